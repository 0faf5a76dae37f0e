//! What Meta's Flow JSON is, version by version: the versions Meta accepts, the actions and
//! components of each version, and the components' limits. Data, not code:
//! `rules/data/flow_json_versions.yaml` (the one list of versions) and
//! `rules/data/whatsapp_flow_components.yaml`, read once with [`crate::data`]'s loader.

use std::fmt;
use std::sync::LazyLock;

use serde::{Deserialize, Deserializer};

use crate::data::{self, Ordered, FLOW_JSON_VERSIONS, WHATSAPP_FLOW_COMPONENTS};

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

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Version::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a version")))
    }
}

/// What Meta still does with flows of a version it accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Support {
    /// They can be published: new flows, and updates of drafts.
    Publish,
    /// They can be sent, but no longer published: they can never be changed again.
    Send,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(from = "WrittenLimit")]
pub struct Limit {
    pub max: usize,
    /// Seen only in SDK code ([S]): a warning.
    pub warn: bool,
    /// Where sources disagree: above this a warning, above `max` an error.
    pub warn_above: Option<usize>,
}

/// A limit as the data file writes it: `80`, or `{max: 30, warn: true}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum WrittenLimit {
    Max(usize),
    Detailed(DetailedLimit),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DetailedLimit {
    max: usize,
    #[serde(default)]
    warn: bool,
    warn_above: Option<usize>,
}

impl From<WrittenLimit> for Limit {
    fn from(written: WrittenLimit) -> Limit {
        match written {
            WrittenLimit::Max(max) => Limit {
                max,
                warn: false,
                warn_above: None,
            },
            WrittenLimit::Detailed(DetailedLimit {
                max,
                warn,
                warn_above,
            }) => Limit {
                max,
                warn,
                warn_above,
            },
        }
    }
}

/// The list property holding a component's options, and how many it may hold.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionSpec {
    pub property: String,
    pub min: usize,
    pub max: usize,
    /// The cap when any option has an image.
    pub max_with_images: Option<usize>,
}

/// One component `type`; the fields are those of the data file, documented there.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ComponentSpec {
    pub since: Option<Version>,
    pub required: Vec<String>,
    #[serde(deserialize_with = "in_order")]
    pub required_from: Vec<(String, Version)>,
    #[serde(deserialize_with = "in_order")]
    pub since_property: Vec<(String, Version)>,
    pub form_before: Option<Version>,
    #[serde(deserialize_with = "in_order")]
    pub text: Vec<(String, Limit)>,
    pub min_text: Vec<String>,
    pub options: Option<OptionSpec>,
    #[serde(deserialize_with = "in_order")]
    pub option_text: Vec<(String, Limit)>,
    pub per_screen: Option<usize>,
    pub per_flow: Option<usize>,
    #[serde(deserialize_with = "in_order")]
    pub enums: Vec<(String, Vec<String>)>,
    /// Every key the component takes: `type`, which the loader adds, and the properties the
    /// data file lists.
    pub properties: Vec<String>,
}

/// A mapping as `(key, value)` pairs in the order written.
fn in_order<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Vec<(String, T)>, D::Error> {
    Ordered::deserialize(deserializer).map(|ordered| ordered.0)
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
    /// The keys of the parts that are not components (`flow`, `screen`, `data-source`, ...).
    pub keys: Vec<(String, Vec<String>)>,
}

impl FlowCatalogue {
    pub fn component(&self, kind: &str) -> Option<&ComponentSpec> {
        self.components
            .iter()
            .find(|(name, _)| name == kind)
            .map(|(_, spec)| spec)
    }

    /// The keys of part `part` of a Flow JSON (`screen`, `list-items.main-content`, ...);
    /// none for a part the data file does not name, whose keys are then not checked.
    pub fn keys(&self, part: &str) -> Option<&[String]> {
        self.keys
            .iter()
            .find(|(name, _)| name == part)
            .map(|(_, keys)| keys.as_slice())
    }

    /// The components that take property `key`, as a phrase (`TextInput and TextArea`), or
    /// none when no component does.
    pub fn components_with(&self, key: &str) -> Option<String> {
        let names: Vec<&str> = self
            .components
            .iter()
            .filter(|(_, spec)| spec.properties.iter().any(|p| p == key))
            .map(|(name, _)| name.as_str())
            .collect();
        match names.as_slice() {
            [] => None,
            [one] => Some(format!("`{one}`")),
            [rest @ .., last] => Some(format!(
                "{} and `{last}`",
                rest.iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }

    /// Every key some component takes, each once: what a component whose `type` is missing
    /// is held to.
    pub fn any_component_keys(&self) -> Vec<&str> {
        let mut all: Vec<&str> = Vec::new();
        for (_, spec) in &self.components {
            for key in &spec.properties {
                if !all.contains(&key.as_str()) {
                    all.push(key);
                }
            }
        }
        all
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
    LazyLock::new(|| load(FLOW_JSON_VERSIONS.text, WHATSAPP_FLOW_COMPONENTS.text));

/// The embedded catalogue; `None` only if a data file is broken, which a test rules out.
pub fn catalogue() -> Option<&'static FlowCatalogue> {
    CATALOGUE.as_ref().ok()
}

/// `flow_json_versions.yaml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VersionsFile {
    /// Where the list comes from: required, so it never loses its citation.
    #[allow(dead_code)]
    source: String,
    #[allow(dead_code)]
    versioning: String,
    recommended: Version,
    /// Each version (as a key) and what Meta still does with it.
    versions: Ordered<Support>,
}

/// `whatsapp_flow_components.yaml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ComponentsFile {
    keys: Ordered<Vec<String>>,
    actions: Ordered<Version>,
    components: Ordered<ComponentSpec>,
}

/// Reads the two data files, naming the first thing in them that is not as documented.
fn load(versions: &str, components: &str) -> Result<FlowCatalogue, String> {
    let versions: VersionsFile = data::parse(FLOW_JSON_VERSIONS.name, versions)?;
    let components: ComponentsFile = data::parse(WHATSAPP_FLOW_COMPONENTS.name, components)?;
    let versions_of_meta = versions
        .versions
        .0
        .into_iter()
        .map(|(written, support)| match Version::parse(&written) {
            Some(version) => Ok((version, support)),
            None => Err(format!(
                "rules/data/{}: `{written}` is not a version",
                FLOW_JSON_VERSIONS.name
            )),
        })
        .collect::<Result<_, String>>()?;
    let mut kinds = components.components.0;
    for (_, spec) in &mut kinds {
        spec.properties.insert(0, "type".to_string());
    }
    Ok(FlowCatalogue {
        versions: versions_of_meta,
        recommended: versions.recommended,
        actions: components.actions.0,
        components: kinds,
        keys: components.keys.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_loads_and_knows_every_component() {
        let catalogue = load(FLOW_JSON_VERSIONS.text, WHATSAPP_FLOW_COMPONENTS.text).unwrap();
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
        let catalogue = load(FLOW_JSON_VERSIONS.text, WHATSAPP_FLOW_COMPONENTS.text).unwrap();
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

    /// The key lists hold every property the rest of the catalogue names, so a property the
    /// rules read is never reported as unknown.
    #[test]
    fn every_property_the_catalogue_names_is_a_known_key() {
        let catalogue = load(FLOW_JSON_VERSIONS.text, WHATSAPP_FLOW_COMPONENTS.text).unwrap();
        for (name, spec) in &catalogue.components {
            assert_eq!(spec.properties.first().map(String::as_str), Some("type"));
            let mut named: Vec<&str> = spec.required.iter().map(String::as_str).collect();
            named.extend(spec.min_text.iter().map(String::as_str));
            for list in [&spec.required_from, &spec.since_property] {
                named.extend(list.iter().map(|(p, _)| p.as_str()));
            }
            named.extend(spec.text.iter().map(|(p, _)| p.as_str()));
            named.extend(spec.enums.iter().map(|(p, _)| p.as_str()));
            if let Some(options) = &spec.options {
                named.push(&options.property);
                let items = catalogue.keys(&options.property).unwrap();
                for (key, _) in &spec.option_text {
                    let (first, rest) = key.split_once('.').unwrap_or((key, ""));
                    assert!(items.iter().any(|k| k == first), "{name}: {key}");
                    if !rest.is_empty() {
                        let inner = catalogue.keys(&format!("{}.{first}", options.property));
                        assert!(inner.unwrap().iter().any(|k| k == rest), "{name}: {key}");
                    }
                }
            }
            for property in named {
                assert!(
                    spec.properties.iter().any(|p| p == property),
                    "{name}: `{property}` is not in its properties"
                );
            }
        }
        for property in super::super::OPTION_PROPERTIES {
            assert!(catalogue.keys(property).is_some(), "{property}");
        }
        for part in ["flow", "screen", "layout", "action", "next"] {
            assert!(catalogue.keys(part).is_some(), "{part}");
        }
        assert_eq!(
            catalogue.components_with("max-chars").as_deref(),
            Some("`TextInput`")
        );
        assert_eq!(
            catalogue.components_with("max-length").as_deref(),
            Some("`TextArea`")
        );
        assert_eq!(
            catalogue.components_with("photo-source").as_deref(),
            Some("`PhotoPicker`")
        );
        assert_eq!(catalogue.components_with("colour"), None);
        let all = catalogue.any_component_keys();
        assert!(all.contains(&"type") && all.contains(&"list-items"));
    }

    #[test]
    fn a_broken_data_file_says_what_is_wrong() {
        let (versions, components) = (FLOW_JSON_VERSIONS.text, WHATSAPP_FLOW_COMPONENTS.text);
        let broken = versions.replace("\"5.0\": send", "\"5.0\": sent");
        let error = load(&broken, components).unwrap_err();
        assert!(
            error.contains("flow_json_versions.yaml") && error.contains("sent"),
            "{error}"
        );
        let broken = versions.replace("\"5.0\": send", "\"5.x\": send");
        let error = load(&broken, components).unwrap_err();
        assert!(error.ends_with("`5.x` is not a version"), "{error}");
        let broken = components.replace("per_screen:", "per_scren:");
        let error = load(versions, &broken).unwrap_err();
        assert!(error.contains("per_scren"), "{error}");
        let broken = components.replace("text: {text: 80}", "text: {text: eighty}");
        assert!(load(versions, &broken).is_err());
        let error = load("recommended: \"7.3\"\n", components).unwrap_err();
        assert!(error.contains("versions"), "{error}");
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
