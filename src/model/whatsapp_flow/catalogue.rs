//! What Meta's Flow JSON is, version by version: the versions Meta accepts, the actions and
//! components of each version, and the components' limits. Data, not code:
//! `rules/data/flow_json_versions.yaml` (the one list of versions) and
//! `rules/data/whatsapp_flow_components.yaml`, embedded at build time and read once, here.

use std::fmt;
use std::sync::LazyLock;

use crate::source::{self, Format, NodeId, Tree, Value};

const VERSIONS: &str = include_str!("../../../rules/data/flow_json_versions.yaml");
const COMPONENTS: &str = include_str!("../../../rules/data/whatsapp_flow_components.yaml");

/// A Flow JSON version, `major.minor`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(pub u32, pub u32);

impl Version {
    pub fn parse(text: &str) -> Option<Version> {
        let (major, minor) = text.trim().split_once('.')?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(major) || !digits(minor) {
            return None;
        }
        Some(Version(major.parse().ok()?, minor.parse().ok()?))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// What Meta still does with flows of a version it accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Support {
    /// They can be published: new flows, and updates of drafts.
    Publish,
    /// They can be sent, but no longer published: they can never be changed again.
    Send,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub max: usize,
    /// Seen only in SDK code ([S]): a warning.
    pub warn: bool,
    /// Where sources disagree: above this a warning, above `max` an error.
    pub warn_above: Option<usize>,
}

/// The list property holding a component's options, and how many it may hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionSpec {
    pub property: String,
    pub min: usize,
    pub max: usize,
    /// The cap when any option has an image.
    pub max_with_images: Option<usize>,
}

/// One component `type`; the fields are those of the data file, documented there.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ComponentSpec {
    pub since: Option<Version>,
    pub required: Vec<String>,
    pub required_from: Vec<(String, Version)>,
    pub since_property: Vec<(String, Version)>,
    pub form_before: Option<Version>,
    pub text: Vec<(String, Limit)>,
    pub min_text: Vec<String>,
    pub options: Option<OptionSpec>,
    pub option_text: Vec<(String, Limit)>,
    pub per_screen: Option<usize>,
    pub per_flow: Option<usize>,
    pub enums: Vec<(String, Vec<String>)>,
}

#[derive(Debug)]
pub struct FlowCatalogue {
    /// The versions Meta accepts, oldest first.
    pub versions: Vec<(Version, Support)>,
    /// The version Meta recommends migrating to.
    pub recommended: Version,
    /// Action names, with the version each appeared in.
    pub actions: Vec<(String, Version)>,
    /// Component types, as Meta spells them.
    pub components: Vec<(String, ComponentSpec)>,
}

impl FlowCatalogue {
    pub fn component(&self, kind: &str) -> Option<&ComponentSpec> {
        self.components
            .iter()
            .find(|(name, _)| name == kind)
            .map(|(_, spec)| spec)
    }

    /// The version action `name` appeared in, if Meta has it.
    pub fn action(&self, name: &str) -> Option<Version> {
        self.actions
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, since)| *since)
    }

    /// The newest version: a flow without a readable version, or a newer one, is checked
    /// against it.
    pub fn latest(&self) -> Version {
        self.versions.last().map_or(Version(7, 3), |(v, _)| *v)
    }

    /// The oldest accepted version with at least `support`.
    pub fn oldest(&self, support: Support) -> Option<Version> {
        self.versions
            .iter()
            .find(|(_, s)| support == Support::Send || *s == support)
            .map(|(v, _)| *v)
    }

    /// What Meta does with flows of version `written`, if it still accepts them.
    pub fn support(&self, written: &str) -> Option<Support> {
        self.versions
            .iter()
            .find(|(v, _)| v.to_string() == written)
            .map(|(_, s)| *s)
    }
}

static CATALOGUE: LazyLock<Result<FlowCatalogue, String>> =
    LazyLock::new(|| load(VERSIONS, COMPONENTS));

/// The embedded catalogue; `None` only if a data file is broken, which a test rules out.
pub fn catalogue() -> Option<&'static FlowCatalogue> {
    CATALOGUE.as_ref().ok()
}

/// Reads the two data files, naming the first thing in them that is not as documented.
fn load(versions: &str, components: &str) -> Result<FlowCatalogue, String> {
    let versions = Data::parse(versions)?;
    let components = Data::parse(components)?;
    let mut catalogue = FlowCatalogue {
        versions: Vec::new(),
        recommended: versions.version(versions.get(versions.root, "recommended")?)?,
        actions: Vec::new(),
        components: Vec::new(),
    };
    for entry in versions.entries(versions.get(versions.root, "versions")?) {
        let support = match versions.scalar(entry.value)? {
            "publish" => Support::Publish,
            "send" => Support::Send,
            other => {
                return Err(format!(
                    "version {}: `{other}` is not publish or send",
                    entry.key
                ))
            }
        };
        catalogue
            .versions
            .push((versions.parse_version(&entry.key)?, support));
    }
    let actions = components.get(components.root, "actions")?;
    for entry in components.entries(actions) {
        let since = components.version(entry.value)?;
        catalogue.actions.push((entry.key.clone(), since));
    }
    for entry in components.entries(components.get(components.root, "components")?) {
        let spec = components
            .component(entry.value)
            .map_err(|e| format!("{}: {e}", entry.key))?;
        catalogue.components.push((entry.key.clone(), spec));
    }
    Ok(catalogue)
}

/// A parsed data file, read with errors that say where.
struct Data {
    tree: Tree,
    root: NodeId,
}

impl Data {
    fn parse(text: &str) -> Result<Data, String> {
        let tree = source::parse(text, Format::Yaml).map_err(|e| e.message)?;
        let root = *tree.documents.first().ok_or("an empty data file")?;
        Ok(Data { tree, root })
    }

    /// Where a node is, for an error message.
    fn place(&self, node: NodeId) -> String {
        match self.tree.pointer(node) {
            root if root.is_empty() => "the top level".to_string(),
            pointer => pointer,
        }
    }

    fn get(&self, map: NodeId, key: &str) -> Result<NodeId, String> {
        self.tree
            .get(map, key)
            .ok_or_else(|| format!("no `{key}` at {}", self.place(map)))
    }

    fn entries(&self, map: NodeId) -> &[source::Entry] {
        self.tree.entries(map)
    }

    fn scalar(&self, node: NodeId) -> Result<&str, String> {
        match self.tree.value(node) {
            Value::String(s) | Value::Number(s) => Ok(s),
            _ => Err(format!("not a scalar at {}", self.place(node))),
        }
    }

    fn strings(&self, node: NodeId) -> Result<Vec<String>, String> {
        let items = self.tree.items(node);
        items
            .iter()
            .map(|&n| Ok(self.scalar(n)?.to_string()))
            .collect()
    }

    fn number(&self, node: NodeId) -> Result<usize, String> {
        let text = self.scalar(node)?;
        text.parse()
            .map_err(|_| format!("`{text}` is not a number at {}", self.place(node)))
    }

    fn parse_version(&self, text: &str) -> Result<Version, String> {
        Version::parse(text).ok_or_else(|| format!("`{text}` is not a version"))
    }

    fn version(&self, node: NodeId) -> Result<Version, String> {
        self.parse_version(self.scalar(node)?)
            .map_err(|e| format!("{e} at {}", self.place(node)))
    }

    /// `property: version` pairs.
    fn versions(&self, map: NodeId) -> Result<Vec<(String, Version)>, String> {
        let entries = self.entries(map);
        entries
            .iter()
            .map(|e| Ok((e.key.clone(), self.version(e.value)?)))
            .collect()
    }

    /// `property: N` or `property: {max: N, warn: true, warn_above: M}` pairs.
    fn limits(&self, map: NodeId) -> Result<Vec<(String, Limit)>, String> {
        let limit = |node: NodeId| -> Result<Limit, String> {
            if !matches!(self.tree.value(node), Value::Map(_)) {
                let max = self.number(node)?;
                return Ok(Limit {
                    max,
                    warn: false,
                    warn_above: None,
                });
            }
            let warn = self.tree.get(node, "warn").map(|w| self.tree.value(w));
            Ok(Limit {
                max: self.number(self.get(node, "max")?)?,
                warn: matches!(warn, Some(Value::Bool(true))),
                warn_above: self.optional(node, "warn_above", Self::number)?,
            })
        };
        let entries = self.entries(map);
        entries
            .iter()
            .map(|e| Ok((e.key.clone(), limit(e.value)?)))
            .collect()
    }

    fn optional<T>(
        &self,
        map: NodeId,
        key: &str,
        read: fn(&Self, NodeId) -> Result<T, String>,
    ) -> Result<Option<T>, String> {
        self.tree
            .get(map, key)
            .map(|node| read(self, node))
            .transpose()
    }

    fn component(&self, node: NodeId) -> Result<ComponentSpec, String> {
        let mut spec = ComponentSpec::default();
        for field in self.entries(node) {
            let value = field.value;
            match field.key.as_str() {
                "since" => spec.since = Some(self.version(value)?),
                "required" => spec.required = self.strings(value)?,
                "min_text" => spec.min_text = self.strings(value)?,
                "required_from" => spec.required_from = self.versions(value)?,
                "since_property" => spec.since_property = self.versions(value)?,
                "form_before" => spec.form_before = Some(self.version(value)?),
                "text" => spec.text = self.limits(value)?,
                "option_text" => spec.option_text = self.limits(value)?,
                "per_screen" => spec.per_screen = Some(self.number(value)?),
                "per_flow" => spec.per_flow = Some(self.number(value)?),
                "options" => {
                    spec.options = Some(OptionSpec {
                        property: self.scalar(self.get(value, "property")?)?.to_string(),
                        min: self.number(self.get(value, "min")?)?,
                        max: self.number(self.get(value, "max")?)?,
                        max_with_images: self.optional(value, "max_with_images", Self::number)?,
                    })
                }
                "enums" => {
                    let entries = self.entries(value);
                    spec.enums = entries
                        .iter()
                        .map(|e| Ok((e.key.clone(), self.strings(e.value)?)))
                        .collect::<Result<_, String>>()?;
                }
                other => return Err(format!("unknown field `{other}`")),
            }
        }
        Ok(spec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_loads_and_knows_every_component() {
        let catalogue = load(VERSIONS, COMPONENTS).unwrap();
        assert_eq!(
            catalogue.versions.first(),
            Some(&(Version(2, 1), Support::Send))
        );
        assert_eq!(catalogue.latest(), Version(7, 3));
        assert_eq!(catalogue.recommended, Version(7, 3));
        assert_eq!(catalogue.oldest(Support::Send), Some(Version(2, 1)));
        assert_eq!(catalogue.oldest(Support::Publish), Some(Version(5, 1)));
        assert_eq!(catalogue.support("5.0"), Some(Support::Send));
        assert_eq!(catalogue.support("6.3"), Some(Support::Publish));
        assert_eq!(catalogue.support("8.0"), None);
        for name in [
            "TextHeading",
            "TextSubheading",
            "TextBody",
            "TextCaption",
            "RichText",
            "TextInput",
            "TextArea",
            "CheckboxGroup",
            "RadioButtonsGroup",
            "Dropdown",
            "ChipsSelector",
            "DatePicker",
            "CalendarPicker",
            "OptIn",
            "EmbeddedLink",
            "NavigationList",
            "Image",
            "ImageCarousel",
            "PhotoPicker",
            "DocumentPicker",
            "If",
            "Switch",
            "Form",
            "Footer",
        ] {
            let spec = catalogue
                .component(name)
                .unwrap_or_else(|| panic!("{name}"));
            assert!(spec.since.is_some(), "{name}");
        }
        assert_eq!(catalogue.action("open_url"), Some(Version(6, 0)));
        let dropdown = catalogue.component("Dropdown").unwrap();
        assert_eq!(
            dropdown.options.as_ref().unwrap().max_with_images,
            Some(100)
        );
        let picker = catalogue.component("PhotoPicker").unwrap();
        assert!(picker.text.iter().all(|(_, l)| l.warn));
    }

    #[test]
    fn the_versions_are_one_ascending_list_that_every_since_names() {
        let catalogue = load(VERSIONS, COMPONENTS).unwrap();
        let versions: Vec<Version> = catalogue.versions.iter().map(|(v, _)| *v).collect();
        assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
        // Once a version can no longer be published, neither can any older one.
        let first_published = catalogue.oldest(Support::Publish).unwrap();
        for (version, support) in &catalogue.versions {
            assert_eq!(*support == Support::Publish, *version >= first_published);
        }
        let mut named: Vec<Version> = catalogue.actions.iter().map(|(_, v)| *v).collect();
        for (_, spec) in &catalogue.components {
            named.extend(spec.since);
            named.extend(spec.form_before);
            named.extend(spec.required_from.iter().map(|(_, v)| *v));
            named.extend(spec.since_property.iter().map(|(_, v)| *v));
        }
        for version in named {
            assert!(versions.contains(&version), "{version} is not in the list");
        }
        assert!(versions.contains(&catalogue.recommended));
    }

    #[test]
    fn a_broken_data_file_says_what_is_wrong() {
        let broken = VERSIONS.replace("\"5.0\": send", "\"5.0\": sent");
        let error = load(&broken, COMPONENTS).unwrap_err();
        assert_eq!(error, "version 5.0: `sent` is not publish or send");
        let broken = COMPONENTS.replace("per_screen:", "per_scren:");
        let error = load(VERSIONS, &broken).unwrap_err();
        assert!(error.ends_with(": unknown field `per_scren`"), "{error}");
        let error = load("recommended: \"7.3\"\n", COMPONENTS).unwrap_err();
        assert_eq!(error, "no `versions` at the top level");
    }

    #[test]
    fn versions_parse_and_compare() {
        assert_eq!(Version::parse("7.3"), Some(Version(7, 3)));
        assert_eq!(Version::parse(" 2.1"), Some(Version(2, 1)));
        assert!(Version::parse("7").is_none());
        assert!(Version::parse("v7.3").is_none());
        assert!(Version::parse("7.3.1").is_none());
        assert!(Version::parse("+7.3").is_none());
        assert!(Version(6, 3) < Version(7, 0));
        assert!(Version(6, 10) > Version(6, 3));
    }
}
