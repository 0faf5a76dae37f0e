//! Chatbot platforms' own export formats, recognised by content and lowered into walint's
//! conversation model (`model::flow`), every value keeping its node so findings land on the
//! export's own line and column.
//!
//! walint's own kinds and Meta's are read first (`model::read`); a document root none of
//! them claims is offered to each foreign reader in turn, whose `recognise` looks at a few
//! keys only, so a JSON file of no known kind costs next to nothing. Platforms walint knows
//! but does not check are named, so `--verbose` says "recognised: Amazon Connect flow; not
//! checked" instead of "not a kind walint recognises".

pub mod handoff;
mod n8n;
mod rapidpro;
mod twilio_studio;
mod typebot;
mod unsupported;

use crate::diagnostic::At;
use crate::model::flow::Dialect;
use crate::model::reader::Reader;
use crate::model::{self, Contents, ConversationFlow, Document};
use crate::source::{NodeId, Tree};
pub use handoff::Handoffs;

/// A foreign format: a cheap test of a document root, and its lowering into flows (every
/// schema problem as a WA002 on the reader, at the offending value).
struct Foreign {
    recognise: fn(&Tree, NodeId) -> bool,
    read: fn(&mut Reader, NodeId) -> Vec<ConversationFlow>,
}

/// The foreign formats walint checks, in the order they are tried.
const FOREIGN: &[Foreign] = &[
    Foreign {
        recognise: rapidpro::recognise,
        read: rapidpro::read,
    },
    Foreign {
        recognise: typebot::recognise,
        read: typebot::read,
    },
    Foreign {
        recognise: twilio_studio::recognise,
        read: twilio_studio::read,
    },
    Foreign {
        recognise: n8n::recognise,
        read: n8n::read,
    },
];

/// Reads every document of a tree: walint's and Meta's kinds, then the chatbot exports.
pub fn read(tree: &Tree) -> Contents {
    read_with(tree, &Handoffs::default())
}

/// [`read`], with the steps `handoffs` names (walint.yaml's `handoffs:`) as handoffs.
pub fn read_with(tree: &Tree, handoffs: &Handoffs) -> Contents {
    let mut contents = model::read(tree);
    let mut r = Reader::new(tree);
    for &root in &tree.documents {
        if model::recognise(tree, root).is_some() {
            continue;
        }
        match FOREIGN.iter().find(|f| (f.recognise)(tree, root)) {
            Some(foreign) => {
                let mut flows = (foreign.read)(&mut r, root);
                for flow in &mut flows {
                    handoffs.apply(tree, flow);
                }
                // A RapidPro export is judged as a whole: again, with the handoffs named.
                if flows
                    .first()
                    .is_some_and(|f| f.dialect == Dialect::RapidPro)
                {
                    rapidpro::judge_together(&mut flows);
                }
                contents.notes.extend(flows.iter().flat_map(notes));
                contents
                    .documents
                    .extend(flows.into_iter().map(Document::Flow));
            }
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

/// What `--verbose` says of a flow that walint cannot check: the steps whose buttons live
/// in a Twilio Content template, which the flow names by SID only.
fn notes(flow: &ConversationFlow) -> impl Iterator<Item = (At, String)> + '_ {
    flow.nodes.iter().filter_map(|node| {
        let sid = node.content_sid.as_ref()?;
        Some((
            At::Node(sid.node),
            format!(
                "`{}` sends the Content template `{}`: its buttons or list, if it has any, live in Twilio's Content API, not in the flow, so walint does not count or measure them (WA201, WA202, WA215)",
                node.id, sid.value
            ),
        ))
    })
}

/// The test helpers every foreign reader's unit tests share.
#[cfg(test)]
mod testing {
    use super::{ConversationFlow, NodeId, Reader, Tree};
    use crate::model::flow::{FlowNode, Via};
    use crate::source::{parse, Format};

    /// A JSON export as its reader lowers it: the flows, and the messages of its problems.
    pub fn lowered(
        text: &str,
        recognise: fn(&Tree, NodeId) -> bool,
        read: fn(&mut Reader, NodeId) -> Vec<ConversationFlow>,
    ) -> (Vec<ConversationFlow>, Vec<String>) {
        let tree = parse(text, Format::Json).unwrap();
        let root = tree.documents[0];
        assert!(recognise(&tree, root));
        let mut r = Reader::new(&tree);
        let flows = read(&mut r, root);
        (flows, r.problems.into_iter().map(|p| p.message).collect())
    }

    /// A step's edges as (key, target) pairs.
    pub fn edges(node: &FlowNode) -> Vec<(Via, String)> {
        node.edges()
            .map(|(via, t)| (via, t.value.clone()))
            .collect()
    }
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
