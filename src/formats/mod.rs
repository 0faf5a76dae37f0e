//! Chatbot platforms' own export formats, recognised by content and lowered into walint's
//! conversation model (`model::flow`), every value keeping its node so findings land on the
//! export's own line and column.
//!
//! walint's own kinds and Meta's are read first (`model::read`); a document root none of
//! them claims is offered to each foreign reader in turn, whose `recognise` looks at a few
//! keys only, so a JSON file of no known kind costs next to nothing. Platforms walint knows
//! but does not check are named, so `--verbose` says "recognised: Amazon Connect flow; not
//! checked" instead of "not a kind walint recognises".

mod unsupported;

use crate::model::reader::Reader;
use crate::model::{self, Contents, ConversationFlow, Document};
use crate::source::{NodeId, Tree};

/// A foreign format: a cheap test of a document root, and its lowering into flows (every
/// schema problem as a WA002 on the reader, at the offending value).
struct Foreign {
    recognise: fn(&Tree, NodeId) -> bool,
    read: fn(&mut Reader, NodeId) -> Vec<ConversationFlow>,
}

/// The foreign formats walint checks, in the order they are tried.
const FOREIGN: &[Foreign] = &[];

/// Reads every document of a tree: walint's and Meta's kinds, then the chatbot exports.
pub fn read(tree: &Tree) -> Contents {
    let mut contents = model::read(tree);
    let mut r = Reader::new(tree);
    for &root in &tree.documents {
        if model::recognise(tree, root).is_some() {
            continue;
        }
        match FOREIGN.iter().find(|f| (f.recognise)(tree, root)) {
            Some(foreign) => contents
                .documents
                .extend((foreign.read)(&mut r, root).into_iter().map(Document::Flow)),
            None => {
                if contents.not_checked.is_none() {
                    contents.not_checked = unsupported::recognise(tree, root);
                }
            }
        }
    }
    contents.problems.append(&mut r.problems);
    contents
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{parse, Format};

    #[test]
    fn walint_kinds_are_read_as_model_reads_them() {
        let text = "flow: bot\nentry: a\nnodes:\n  a: {type: end}\n";
        let tree = parse(text, Format::Yaml).unwrap();
        let contents = read(&tree);
        let [Document::Flow(flow)] = contents.documents.as_slice() else {
            panic!("{:?}", contents.documents);
        };
        assert_eq!(flow.dialect, model::flow::Dialect::Walint);
        assert_eq!(contents.not_checked, None);
    }

    #[test]
    fn a_known_platform_walint_does_not_check_is_named() {
        let text = r#"{"Version": "2019-10-30", "StartAction": "a", "Actions": []}"#;
        let tree = parse(text, Format::Json).unwrap();
        let contents = read(&tree);
        assert!(contents.documents.is_empty());
        assert_eq!(contents.not_checked, Some("Amazon Connect flow"));
        let tree = parse(r#"{"compilerOptions": {}}"#, Format::Json).unwrap();
        assert_eq!(read(&tree).not_checked, None);
    }
}
