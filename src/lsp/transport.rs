//! The language server's standard input and output: frames read with
//! [`frame::read_frame`](super::frame::read_frame), each body turned into a
//! message. A frame that is not a message is answered with a JSON-RPC error
//! (parse error, invalid request) and the server goes on serving; only the
//! end of standard input, or the client's `exit`, ends it.

use super::frame::{Frame, read_frame};
use crossbeam_channel::{Sender, bounded};
use lsp_server::{Connection, Message};
use serde_json::{Value, json};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// JSON-RPC's "Parse error": the body is not JSON.
const PARSE_ERROR: i64 = -32700;
/// JSON-RPC's "Invalid Request": JSON, but not a message.
const INVALID_REQUEST: i64 = -32600;

/// The threads that read standard input and write standard output.
pub struct Threads {
    reader: JoinHandle<std::io::Result<()>>,
    writer: JoinHandle<std::io::Result<()>>,
}

impl Threads {
    /// Waits for both; the first error either met.
    pub fn join(self) -> std::io::Result<()> {
        let reader = self
            .reader
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the reader stopped")));
        let writer = self
            .writer
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the writer stopped")));
        reader.and(writer)
    }
}

/// A connection over standard input and output.
pub fn stdio() -> (Connection, Threads) {
    let stdout = Arc::new(Mutex::new(std::io::stdout()));
    let (writer_sender, writer_receiver) = bounded::<Message>(0);
    let writer = {
        let stdout = stdout.clone();
        std::thread::spawn(move || {
            for message in writer_receiver {
                let mut out = stdout
                    .lock()
                    .map_err(|_| std::io::Error::other("standard output is gone"))?;
                message.write(&mut *out)?;
            }
            Ok(())
        })
    };
    let (reader_sender, reader_receiver) = bounded::<Message>(0);
    let reader = std::thread::spawn(move || read(&reader_sender, &stdout));
    let connection = Connection {
        sender: writer_sender,
        receiver: reader_receiver,
    };
    (connection, Threads { reader, writer })
}

/// Reads frames until the end of input or `exit`, answering the bad ones.
fn read(messages: &Sender<Message>, stdout: &Mutex<std::io::Stdout>) -> std::io::Result<()> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    while let Some(frame) = read_frame(&mut input)? {
        let message = match frame {
            Frame::Body(body) => match message(&body) {
                Ok(message) => message,
                Err(error) => {
                    answer(stdout, &error)?;
                    continue;
                }
            },
            Frame::Malformed(why) => {
                answer(stdout, &failure(Value::Null, PARSE_ERROR, &why))?;
                continue;
            }
        };
        let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
        if messages.send(message).is_err() {
            // The server has stopped listening.
            break;
        }
        if exit {
            break;
        }
    }
    Ok(())
}

/// The message a body holds, or the error response that answers it.
fn message(body: &[u8]) -> Result<Message, Value> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| failure(Value::Null, PARSE_ERROR, &format!("the body is not JSON: {e}")))?;
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    serde_json::from_value::<Message>(value)
        .map_err(|e| failure(id, INVALID_REQUEST, &format!("the body is not a JSON-RPC message: {e}")))
}

/// A JSON-RPC error response.
fn failure(id: Value, code: i64, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

/// Writes a response that the server itself did not make.
fn answer(stdout: &Mutex<std::io::Stdout>, response: &Value) -> std::io::Result<()> {
    let body = serde_json::to_vec(response).map_err(std::io::Error::other)?;
    let mut out = stdout
        .lock()
        .map_err(|_| std::io::Error::other("standard output is gone"))?;
    write!(out, "Content-Length: {}\r\n\r\n", body.len())?;
    out.write_all(&body)?;
    out.flush()
}
