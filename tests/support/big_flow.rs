//! A generated conversation flow of 10,000 nodes and 30,000 edges, shared by the
//! integration test (which checks what walint finds in it) and the benchmark (which times
//! every flow rule on it).
//!
//! The flow alternates menus (3 reply buttons and a fallback: 4 edges) with inputs (next and
//! fallback: 2), conditions (2 branches and else: 3) and messages (next: 1), so every node has
//! 3 edges on average, with forward jumps and back edges that make many cycles. It is clean by
//! construction except for six planted mistakes, one for each of WA206, WA207, WA208, WA209,
//! WA211 and WA212, placed deep in the graph.

#![allow(dead_code)]

/// Nodes in the generated flow.
pub const NODES: usize = 10_000;

/// The nodes added to the generated pattern: planted mistakes and the terminal nodes.
const EXTRA: [&str; 9] = [
    "promo",
    "wait_two_days",
    "reminder",
    "orphan",
    "dead_end",
    "survey",
    "human",
    "unsubscribe",
    "done",
];

/// Work nodes in the alternating pattern.
pub const WORK: usize = NODES - EXTRA.len();

fn id(i: usize) -> String {
    format!("n{i}")
}

/// The odd node at or after `j`, within the work nodes.
fn odd(j: usize) -> usize {
    let j = j % WORK;
    if j % 2 == 1 {
        j
    } else if j + 1 < WORK {
        j + 1
    } else {
        1
    }
}

/// Where the planted mistakes hang off the pattern.
pub const PROMO_FROM: usize = WORK - 3;
pub const WAIT_FROM: usize = WORK / 2;
pub const TYPO_FROM: usize = WORK / 4;
pub const DEAD_END_FROM: usize = WORK / 3 * 2;
pub const SURVEY_FROM: usize = WORK / 5 * 4;

fn even(i: usize) -> usize {
    i - i % 2
}

/// The flow as YAML, and the number of edges it has: transitions to existing nodes, each
/// global keyword counted once (it leads to its target from every node).
pub fn flow() -> (String, usize) {
    let mut out = String::with_capacity(NODES * 160);
    let mut edges = 0;
    out.push_str(
        "flow: big_bot\nentry: n0\nkeywords:\n  STOP: unsubscribe\n  AGENT: human\nnodes:\n",
    );
    edges += 2;
    let special = |i: usize| -> Option<&'static str> {
        [
            (even(PROMO_FROM), "promo"),
            (even(WAIT_FROM), "wait_two_days"),
            (even(TYPO_FROM), "n_typo"),
            (even(DEAD_END_FROM), "dead_end"),
            (even(SURVEY_FROM), "survey"),
        ]
        .iter()
        .find(|(at, _)| *at == i)
        .map(|(_, target)| *target)
    };
    for i in 0..WORK {
        let next = id((i + 1) % WORK);
        if i % 2 == 0 {
            let jump = special(i).map_or_else(|| id(odd(i * 7 + 3)), str::to_string);
            let back = id(if i == 0 { 1 } else { i - 1 });
            out.push_str(&format!(
                "  {}:\n    type: menu\n    text: \"Question {i}: what would you like to do?\"\n    options:\n      - {{title: \"Go on\", next: {next}}}\n      - {{title: \"Jump ahead\", next: {jump}}}\n      - {{title: \"Other topic\", next: {}}}\n    fallback: {back}\n",
                id(i),
                id(odd(i * 13 + 5)),
            ));
            edges += 4;
        } else {
            match (i / 2) % 3 {
                0 => {
                    out.push_str(&format!(
                        "  {}:\n    type: input\n    text: \"Please send your reference for step {i}.\"\n    save_as: ref_{i}\n    next: {next}\n    fallback: {}\n",
                        id(i),
                        id(i)
                    ));
                    edges += 2;
                }
                1 => {
                    // The first 20 conditions have a third branch: 30,000 edges in all.
                    let third = if i < 123 {
                        edges += 1;
                        format!(
                            "      - {{when: \"ref == 'c'\", next: {}}}\n",
                            id(odd(i + 6))
                        )
                    } else {
                        String::new()
                    };
                    out.push_str(&format!(
                        "  {}:\n    type: condition\n    branches:\n      - {{when: \"ref == 'a'\", next: {}}}\n      - {{when: \"ref == 'b'\", next: {}}}\n{third}    else: {next}\n",
                        id(i),
                        id(odd(i + 2)),
                        id(odd(i + 4)),
                    ));
                    edges += 3;
                }
                _ => {
                    out.push_str(&format!(
                        "  {}:\n    type: message\n    text: \"Here is the answer to question {i}.\"\n    next: {next}\n",
                        id(i)
                    ));
                    edges += 1;
                }
            }
        }
    }
    out.push_str(concat!(
        "  promo:\n    type: template\n    template: {name: spring_sale, language: en_US}\n    next: done\n",
        "  wait_two_days:\n    type: wait\n    duration: 2d\n    next: reminder\n",
        "  reminder:\n    type: message\n    text: \"Still thinking about it?\"\n    next: done\n",
        "  orphan:\n    type: message\n    text: \"Nothing leads here.\"\n    next: done\n",
        "  dead_end:\n    type: message\n    text: \"And then nothing happens.\"\n",
        "  survey:\n    type: template\n    template: {name: delivery_survey, language: en_US}\n    next: done\n",
        "  human:\n    type: handoff\n    queue: support\n",
        "  unsubscribe:\n    type: opt_out\n",
        "  done:\n    type: end\n",
    ));
    edges += 5;
    // The planted typo (`n_typo`) names no node: it is not an edge.
    (out, edges - 1)
}

/// The MARKETING template the planted `promo` node sends.
pub const SPRING_SALE: &str = r#"{"name": "spring_sale", "language": "en_US", "category": "MARKETING", "status": "APPROVED",
 "components": [
   {"type": "BODY", "text": "Hi {{1}}, our spring sale is on: up to 30% off until Sunday.",
    "example": {"body_text": [["Maria"]]}},
   {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Stop promotions"}]}
 ]}
"#;
