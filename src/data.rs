//! Rule data (`rules/data/*.yaml`): word lists, host lists, version tables and the WhatsApp
//! Flow component catalogue, embedded at build time and read by one loader ([`load`], or
//! [`parse`] for a text) into a type per file that says its shape: here, or beside its one
//! reader (`model::whatsapp_flow::catalogue` for the two Flow JSON files).
//!
//! These files are walint's own, not the user's: they need no positions, only their values,
//! so they are deserialized with serde-saphyr rather than read through the spanned tree.
//! Every type refuses unknown keys and a test loads every file, so a misspelt key or a value
//! of the wrong type in a data file fails the tests rather than quietly reading as empty in
//! a user's run.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// One embedded data file.
#[derive(Clone, Copy)]
pub struct DataFile {
    /// Its name in `rules/data/`.
    pub name: &'static str,
    pub text: &'static str,
}

macro_rules! data_file {
    ($name:literal) => {
        DataFile {
            name: $name,
            text: include_str!(concat!("../rules/data/", $name)),
        }
    };
}

pub const SECRETS: DataFile = data_file!("secrets.yaml");
pub const VERIFY_TOKENS: DataFile = data_file!("verify_tokens.yaml");
pub const WEBHOOK_HOSTS: DataFile = data_file!("webhook_hosts.yaml");
pub const WEBHOOK_FIELDS: DataFile = data_file!("webhook_fields.yaml");
pub const GRAPH_API_VERSIONS: DataFile = data_file!("graph_api_versions.yaml");
pub const FLOW_JSON_VERSIONS: DataFile = data_file!("flow_json_versions.yaml");
pub const WHATSAPP_FLOW_COMPONENTS: DataFile = data_file!("whatsapp_flow_components.yaml");
pub const LANGUAGES: DataFile = data_file!("languages.yaml");
pub const OPT_OUT_KEYWORDS: DataFile = data_file!("opt_out_keywords.yaml");
pub const OPT_OUT_WORDING: DataFile = data_file!("opt_out_wording.yaml");
pub const PROMOTIONAL_WORDING: DataFile = data_file!("promotional_wording.yaml");
pub const SENSITIVE_REQUESTS: DataFile = data_file!("sensitive_requests.yaml");
pub const COMMERCE_WORDING: DataFile = data_file!("commerce_wording.yaml");
pub const ON_PREMISES: DataFile = data_file!("on_premises.yaml");

/// Reads a data file into its type. A file that does not fit its type reads as the type's
/// default; `every_data_file_loads` keeps that from shipping.
pub fn load<T: DeserializeOwned + Default>(file: DataFile) -> T {
    try_load(file).unwrap_or_default()
}

/// Reads a data file into its type, or says why it does not fit.
pub fn try_load<T: DeserializeOwned>(file: DataFile) -> Result<T, String> {
    parse(file.name, file.text)
}

/// Reads the text of data file `name` into its type, or says why it does not fit.
pub fn parse<T: DeserializeOwned>(name: &str, text: &str) -> Result<T, String> {
    serde_saphyr::from_str(text).map_err(|e| format!("rules/data/{name}: {e}"))
}

/// A mapping read in the order it is written (`en:`, `de:`, … of the word lists), keys once.
#[derive(Debug, PartialEq)]
pub struct Ordered<T>(pub Vec<(String, T)>);

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Entries<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries: Vec<(String, T)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, T>()? {
                    if entries.iter().any(|(k, _)| *k == key) {
                        return Err(serde::de::Error::custom(format!("`{key}` appears twice")));
                    }
                    entries.push((key, value));
                }
                Ok(Ordered(entries))
            }
        }
        deserializer.deserialize_map(Entries(PhantomData))
    }
}

/// `secrets.yaml`: what WA003 takes for a secret.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Secrets {
    pub meta_token_prefix: String,
    pub meta_token_min_tail: usize,
    pub app_token_id_digits: (usize, usize),
    pub app_token_secret_length: (usize, usize),
    pub app_secret_hex_length: usize,
    pub secret_key_words: Vec<String>,
    pub not_secret_keys: Vec<String>,
    pub verify_token_keys: Vec<String>,
    pub generic_min_length: usize,
    pub generic_min_entropy_bits: f64,
}

/// `verify_tokens.yaml`: what makes a verify token weak, and what marks a placeholder.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyTokens {
    pub min_length: usize,
    pub min_entropy_bits: f64,
    pub min_distinct: usize,
    pub words: Vec<String>,
    pub placeholder_markers: Vec<String>,
}

/// `webhook_hosts.yaml`: host names a production webhook must not point at.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookHosts {
    pub local_suffixes: Vec<String>,
    pub tunnel_suffixes: Vec<String>,
}

/// `on_premises.yaml`: what identifies the On-Premises API (WA408), each marker with what it
/// is and the page that says so.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnPremises {
    pub sunset: String,
    pub sunset_source: String,
    pub paths: Vec<OnPremisesPath>,
    pub self_hosted_paths: Vec<OnPremisesPath>,
    pub hosts: Vec<OnPremisesHost>,
    pub images: Vec<OnPremisesImage>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnPremisesPath {
    pub path: String,
    pub what: String,
    pub source: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnPremisesHost {
    pub host: String,
    pub what: String,
    pub source: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnPremisesImage {
    pub image: String,
    pub what: String,
    pub source: String,
}

/// `webhook_fields.yaml`: the fields a WhatsApp Business Account webhook can subscribe to.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookFields {
    pub fields: Vec<String>,
}

/// `graph_api_versions.yaml`: each Graph API version and when Meta stops serving it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphApiVersions {
    /// Where the table comes from, and Meta's versioning policy: required, so a table never
    /// loses its citation.
    pub source: String,
    pub policy: String,
    pub versions: Vec<GraphApiRelease>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphApiRelease {
    pub version: String,
    pub introduced: Option<String>,
    pub available_until: Option<String>,
}

/// `languages.yaml`: the template language codes WhatsApp accepts.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Languages {
    pub languages: Vec<String>,
}

/// `opt_out_keywords.yaml`: the words that ask a conversation flow to stop messaging.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptOutKeywords {
    pub opt_out_keywords: Vec<String>,
}

/// `opt_out_wording.yaml` and `promotional_wording.yaml`: phrases by language.
pub type PhrasesByLanguage = Ordered<Phrases>;

/// A language's phrases, and the longer phrases in which they mean something else.
#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Phrases {
    pub phrases: Vec<String>,
    pub except: Vec<String>,
}

/// `sensitive_requests.yaml`: WA111's lists, by language.
pub type RequestsByLanguage = Ordered<RequestWords>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestWords {
    pub requests: Vec<String>,
    pub questions: Vec<String>,
    pub subjects: Vec<String>,
    pub negations: Vec<String>,
    #[serde(default)]
    pub senders: Vec<String>,
    #[serde(default)]
    pub except_subjects: Vec<String>,
    #[serde(default)]
    pub except_negations: Vec<String>,
}

/// `commerce_wording.yaml`: WA122's policy clause and phrases for each Commerce Policy area.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommerceWording {
    pub areas: CommerceAreas<String>,
    /// Phrases that make a message an offer, by language.
    pub offers: PhrasesByLanguage,
    pub languages: Ordered<CommerceAreas<Phrases>>,
}

/// One value per Commerce Policy area WA122 reads; every area is required in every language.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommerceAreas<T> {
    pub alcohol: T,
    pub tobacco: T,
    pub weapons: T,
    pub gambling: T,
    pub drugs: T,
    pub adult: T,
}

impl<T> CommerceAreas<T> {
    /// The areas in a fixed order, with the key each has in the data file.
    pub fn entries(&self) -> [(&'static str, &T); 6] {
        [
            ("alcohol", &self.alcohol),
            ("tobacco", &self.tobacco),
            ("weapons", &self.weapons),
            ("gambling", &self.gambling),
            ("drugs", &self.drugs),
            ("adult", &self.adult),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loads<T: DeserializeOwned>(file: DataFile) -> T {
        try_load(file).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn every_data_file_loads() {
        let secrets: Secrets = loads(SECRETS);
        assert_eq!(secrets.app_token_secret_length, (27, 40));
        assert_eq!(secrets.app_secret_hex_length, 32);
        assert!(secrets.secret_key_words.contains(&"token".to_string()));
        let tokens: VerifyTokens = loads(VERIFY_TOKENS);
        assert!(tokens.min_length > 0 && !tokens.words.is_empty());
        let hosts: WebhookHosts = loads(WEBHOOK_HOSTS);
        assert!(hosts.local_suffixes.contains(&"localhost".to_string()));
        let fields: WebhookFields = loads(WEBHOOK_FIELDS);
        assert!(fields.fields.contains(&"messages".to_string()));
        let graph: GraphApiVersions = loads(GRAPH_API_VERSIONS);
        assert!(graph.versions.len() > 20);
        assert!(graph.source.starts_with("https://") && graph.policy.starts_with("https://"));
        let languages: Languages = loads(LANGUAGES);
        assert!(languages.languages.contains(&"pt_BR".to_string()));
        let keywords: OptOutKeywords = loads(OPT_OUT_KEYWORDS);
        assert!(keywords.opt_out_keywords.contains(&"STOP".to_string()));
        for (file, languages) in [
            (
                OPT_OUT_WORDING,
                &[
                    "en", "de", "es", "pt", "fr", "id", "it", "nl", "tr", "ar", "hi",
                ][..],
            ),
            (PROMOTIONAL_WORDING, &["en", "de", "es", "pt", "fr", "id"]),
        ] {
            let lists: PhrasesByLanguage = loads(file);
            let listed: Vec<&str> = lists.0.iter().map(|(l, _)| l.as_str()).collect();
            assert_eq!(listed, languages, "{}", file.name);
            assert!(lists.0.iter().all(|(_, list)| !list.phrases.is_empty()));
        }
        let requests: RequestsByLanguage = loads(SENSITIVE_REQUESTS);
        assert_eq!(requests.0.len(), 6);
        let commerce: CommerceWording = loads(COMMERCE_WORDING);
        let listed: Vec<&str> = commerce
            .languages
            .0
            .iter()
            .map(|(l, _)| l.as_str())
            .collect();
        assert_eq!(listed, ["en", "de", "es", "pt", "fr", "id"]);
        let offers: Vec<&str> = commerce.offers.0.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(offers, listed);
        for (language, areas) in &commerce.languages.0 {
            for (area, list) in areas.entries() {
                assert!(!list.phrases.is_empty(), "{language} {area}");
            }
        }
        assert!(commerce.areas.entries().iter().all(|(_, c)| !c.is_empty()));
        let on_premises: OnPremises = loads(ON_PREMISES);
        assert!(crate::date::Date::parse(&on_premises.sunset).is_some());
        let sources = on_premises
            .paths
            .iter()
            .chain(&on_premises.self_hosted_paths)
            .map(|p| &p.source)
            .chain(on_premises.hosts.iter().map(|h| &h.source))
            .chain(on_premises.images.iter().map(|i| &i.source));
        for source in sources.chain([&on_premises.sunset_source]) {
            assert!(source.starts_with("https://"), "{source}");
        }
    }

    #[test]
    fn every_data_file_is_one_of_these() {
        let listed = [
            SECRETS,
            VERIFY_TOKENS,
            WEBHOOK_HOSTS,
            WEBHOOK_FIELDS,
            GRAPH_API_VERSIONS,
            LANGUAGES,
            OPT_OUT_KEYWORDS,
            OPT_OUT_WORDING,
            PROMOTIONAL_WORDING,
            SENSITIVE_REQUESTS,
            COMMERCE_WORDING,
            ON_PREMISES,
            // Read into the WhatsApp Flow model's catalogue (`model::whatsapp_flow::catalogue`).
            FLOW_JSON_VERSIONS,
            WHATSAPP_FLOW_COMPONENTS,
        ];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/data");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let mut names: Vec<String> = listed.iter().map(|f| f.name.to_string()).collect();
        names.sort();
        assert_eq!(names, on_disk);
    }

    #[test]
    fn a_misspelt_key_or_a_wrong_type_is_refused() {
        let file = |text: &'static str| DataFile {
            name: "x.yaml",
            text,
        };
        let misspelt = try_load::<WebhookHosts>(file("local_sufixes: []\ntunnel_suffixes: []\n"));
        assert!(misspelt.unwrap_err().contains("local_sufixes"));
        assert!(try_load::<VerifyTokens>(file(
            "min_length: many\nmin_entropy_bits: 3\nmin_distinct: 6\nwords: []\nplaceholder_markers: []\n"
        ))
        .is_err());
        let twice = try_load::<Ordered<Vec<String>>>(file("en: [a]\nde: [b]\nen: [c]\n"));
        assert!(twice.is_err());
        let ordered = try_load::<PhrasesByLanguage>(file(
            "id: {phrases: [a], except: []}\nen: {phrases: [b, c], except: [b c d]}\n",
        ))
        .unwrap();
        let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            ordered.0,
            [
                (
                    "id".to_string(),
                    Phrases {
                        phrases: strings(&["a"]),
                        except: Vec::new()
                    }
                ),
                (
                    "en".to_string(),
                    Phrases {
                        phrases: strings(&["b", "c"]),
                        except: strings(&["b c d"])
                    }
                )
            ]
        );
        let misspelt = try_load::<PhrasesByLanguage>(file("en: {phrases: [a], exept: []}\n"));
        assert!(misspelt.unwrap_err().contains("exept"));
    }
}
