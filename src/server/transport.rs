//! The server's standard input and output: LSP's base protocol (`Content-Length` headers,
//! then a JSON body), read with limits. lsp-server's own stdio transport sizes its buffer
//! from the header before a byte of the body arrives and reads header lines of any length,
//! so one hostile header could take all memory; this one refuses such a message and ends the
//! connection with an error that says why.

use std::io::{self, BufRead, Read, Write};
use std::thread::{self, JoinHandle};

use crossbeam_channel::{bounded, Receiver, Sender};
use lsp_server::{Connection, Message};

/// The largest message body read: an editor sends a whole document in one `didOpen` or
/// `didChange`, and walint does not check files over 64 MiB either.
pub const MAX_MESSAGE: usize = 64 << 20;
/// The longest header line read (`Content-Length: …` or `Content-Type: …`).
const MAX_HEADER_LINE: u64 = 1024;

/// The reader and writer threads of a connection.
pub struct Threads {
    reader: JoinHandle<io::Result<()>>,
    writer: JoinHandle<io::Result<()>>,
    /// The reader's error, sent before the reader lets go of the server's channel: when the
    /// server finds the channel closed, the reason is already here.
    reader_failed: Receiver<String>,
}

impl Threads {
    /// Waits for both threads; the reader's error first, as it is why the connection ended.
    pub fn join(self) -> io::Result<()> {
        let reader = self
            .reader
            .join()
            .map_err(|_| io::Error::other("the reader panicked"))?;
        let writer = self
            .writer
            .join()
            .map_err(|_| io::Error::other("the writer panicked"))?;
        reader.and(writer)
    }

    /// Why the reader stopped, when it stopped on an error. A reader still waiting for input
    /// is not waited for: it ends with the process.
    pub fn reader_error(&self) -> Option<String> {
        self.reader_failed.try_recv().ok()
    }
}

/// A connection over standard input and output.
pub fn stdio() -> io::Result<(Connection, Threads)> {
    let (to_client, outgoing) = bounded::<Message>(0);
    let (incoming, from_client) = bounded::<Message>(0);
    let (failed, reader_failed) = bounded::<String>(1);
    let writer = thread::Builder::new()
        .name("walint-lsp-writer".into())
        .spawn(move || write_all(outgoing, io::stdout().lock()))?;
    let reader = thread::Builder::new()
        .name("walint-lsp-reader".into())
        .spawn(move || {
            let read = read_all(&mut io::stdin().lock(), &incoming);
            if let Err(error) = &read {
                let _ = failed.send(error.to_string());
            }
            drop(incoming);
            read
        })?;
    let connection = Connection {
        sender: to_client,
        receiver: from_client,
    };
    let threads = Threads {
        reader,
        writer,
        reader_failed,
    };
    Ok((connection, threads))
}

fn write_all(outgoing: Receiver<Message>, mut out: impl Write) -> io::Result<()> {
    for message in outgoing {
        message.write(&mut out)?;
    }
    Ok(())
}

/// Hands every message to the server until the input ends or the client says `exit`.
fn read_all(input: &mut impl BufRead, incoming: &Sender<Message>) -> io::Result<()> {
    while let Some(message) = read_message(input)? {
        let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
        if incoming.send(message).is_err() || exit {
            break;
        }
    }
    Ok(())
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// One message, `None` at the end of the input between messages.
pub fn read_message(input: &mut impl BufRead) -> io::Result<Option<Message>> {
    let mut length = None;
    let mut first = true;
    loop {
        let mut line = Vec::new();
        let read = input
            .by_ref()
            .take(MAX_HEADER_LINE + 2)
            .read_until(b'\n', &mut line)?;
        if read == 0 {
            return if first {
                Ok(None)
            } else {
                Err(invalid("the input ends inside a message's headers".into()))
            };
        }
        first = false;
        let Some(line) = line.strip_suffix(b"\r\n") else {
            return Err(invalid(if read as u64 > MAX_HEADER_LINE {
                format!("a header line is longer than {MAX_HEADER_LINE} bytes")
            } else {
                "a header line does not end with CR LF".into()
            }));
        };
        if line.is_empty() {
            break;
        }
        let line = String::from_utf8_lossy(line);
        let Some((name, value)) = line.split_once(':') else {
            return Err(invalid(format!("`{line}` is not a header")));
        };
        if name.trim().eq_ignore_ascii_case("Content-Length") {
            let value = value.trim();
            let size: usize = value
                .parse()
                .map_err(|_| invalid(format!("Content-Length `{value}` is not a byte count")))?;
            if size > MAX_MESSAGE {
                return Err(invalid(format!(
                    "a message of {size} bytes is over the {} MiB walint server reads",
                    MAX_MESSAGE >> 20
                )));
            }
            length = Some(size);
        }
    }
    let size = length.ok_or_else(|| invalid("a message has no Content-Length".into()))?;
    // Grown as the body arrives, never sized from the header alone.
    let mut body = Vec::new();
    input.by_ref().take(size as u64).read_to_end(&mut body)?;
    if body.len() < size {
        return Err(invalid(format!(
            "the input ends after {} of a message's {size} bytes",
            body.len()
        )));
    }
    serde_json::from_slice(&body)
        .map(Some)
        .map_err(|e| invalid(format!("a message is not JSON-RPC: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> io::Result<Option<Message>> {
        read_message(&mut &bytes[..])
    }

    fn error(bytes: &[u8]) -> String {
        match read(bytes) {
            Err(e) => e.to_string(),
            Ok(m) => panic!("read {m:?}"),
        }
    }

    #[test]
    fn reads_a_message_and_ends_cleanly_between_messages() {
        let body = r#"{"jsonrpc":"2.0","method":"exit"}"#;
        let framed = format!(
            "Content-Length: {}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{body}",
            body.len()
        );
        let mut input = framed.as_bytes();
        match read_message(&mut input) {
            Ok(Some(Message::Notification(n))) => assert_eq!(n.method, "exit"),
            other => panic!("{other:?}"),
        }
        assert!(read_message(&mut input).unwrap().is_none());
    }

    #[test]
    fn a_huge_content_length_is_refused_before_reading_the_body() {
        let message = error(b"Content-Length: 99999999999999\r\n\r\n{}");
        assert_eq!(
            message,
            "a message of 99999999999999 bytes is over the 64 MiB walint server reads"
        );
    }

    #[test]
    fn an_endless_header_line_is_refused() {
        let mut line = b"Content-Length: 1".to_vec();
        line.extend(std::iter::repeat_n(b'7', 4096));
        assert_eq!(error(&line), "a header line is longer than 1024 bytes");
    }

    #[test]
    fn broken_framing_is_said_exactly() {
        assert_eq!(
            error(b"Content-Length: 5\r\n"),
            "the input ends inside a message's headers"
        );
        assert_eq!(
            error(b"Content-Length: ten\r\n\r\n"),
            "Content-Length `ten` is not a byte count"
        );
        assert_eq!(error(b"\r\n{}"), "a message has no Content-Length");
        assert_eq!(
            error(b"Content-Length: 9\r\n\r\n{}"),
            "the input ends after 2 of a message's 9 bytes"
        );
        assert_eq!(error(b"Nonsense\r\n\r\n"), "`Nonsense` is not a header");
        assert!(error(b"Content-Length: 2\r\n\r\n[]").starts_with("a message is not JSON-RPC"));
    }
}
