//! A templates lock (`walint templates pull`) as a document of the run. Its content is read
//! by [`crate::templates_lock`] before the run; here only what its own rule (WA119) points at.

use super::reader::{AtNode, Reader};
use crate::source::NodeId;

#[derive(Clone, Debug)]
pub struct LockDocument {
    pub node: NodeId,
    pub fetched_at: Option<AtNode<String>>,
    pub waba_id: Option<AtNode<String>>,
}

pub fn read(r: &mut Reader, node: NodeId) -> LockDocument {
    LockDocument {
        node,
        fetched_at: r.string(node, "fetched_at"),
        waba_id: r.string(node, "waba_id"),
    }
}
