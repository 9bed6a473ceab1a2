//! `ceasefire lsp`, driven as an editor would: JSON-RPC messages over the
//! binary's standard input and output.

use super::folder;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// A client talking to a server process.
struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for responses.
    notifications: Vec<Value>,
}

impl Client {
    fn start() -> Self {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("ceasefire"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (send, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = 0;
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 {
                        return;
                    }
                    let header = header.trim();
                    if header.is_empty() {
                        break;
                    }
                    if let Some(n) = header.strip_prefix("Content-Length: ") {
                        length = n.parse().expect("a length");
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let Ok(value) = serde_json::from_slice(&body) else {
                    return;
                };
                if send.send(value).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages,
            next_id: 1,
            notifications: Vec::new(),
        };
        let init = client.request("initialize", json!({ "capabilities": {} }));
        assert_eq!(init["serverInfo"]["name"], "ceasefire");
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn receive(&mut self) -> Value {
        self.messages
            .recv_timeout(Duration::from_secs(20))
            .expect("a message from the server within 20 s")
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let message = self.receive();
            if message["id"] == id {
                assert!(message.get("error").is_none(), "{message}");
                return message["result"].clone();
            }
            self.notifications.push(message);
        }
    }

    /// The response to the request with this id (sent by hand), errors included.
    fn response(&mut self, id: u64) -> Value {
        loop {
            let message = self.receive();
            if message["id"] == id {
                return message;
            }
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        loop {
            let message = match self.notifications.iter().position(|n| n["params"]["uri"] == uri) {
                Some(i) => self.notifications.remove(i),
                None => self.receive(),
            };
            if message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri {
                return message["params"]["diagnostics"].as_array().cloned().unwrap_or_default();
            }
        }
    }

    fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "ceasefire", "version": 1, "text": text } }),
        );
        self.diagnostics(uri)
    }

    fn at(&mut self, method: &str, uri: &str, line: u32, character: u32) -> Value {
        self.request(
            method,
            json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } }),
        )
    }

    fn completions(&mut self, uri: &str, line: u32, character: u32) -> Vec<String> {
        let result = self.at("textDocument/completion", uri, line, character);
        let items = result.as_array().cloned().unwrap_or_default();
        items
            .iter()
            .filter_map(|i| i["label"].as_str().map(str::to_string))
            .collect()
    }

    fn stop(mut self) {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null);
        let status = self.child.wait().expect("the server exits");
        assert!(status.success());
    }
}

const RULES: &str = "zone north \"Northern Gaza\"
zone rafah
event truce
event strike { zone: zone, actor: text }
phase p1 = from truce for 42d

rule quiet {
  title \"No strikes\"
  for each zone z:
    no strik in zone z during p1
}
";

fn uri(dir: &std::path::Path, name: &str) -> String {
    format!("file://{}", dir.join(name).display())
}

#[test]
fn diagnostics_follow_the_text_as_it_changes() {
    let dir = folder(&[]);
    let uri = uri(dir.path(), "a.cfr");
    let mut client = Client::start();
    let diagnostics = client.open(&uri, RULES);
    let errors: Vec<&Value> = diagnostics.iter().filter(|d| d["severity"] == 1).collect();
    assert_eq!(errors.len(), 1, "{diagnostics:?}");
    let error = errors[0];
    assert_eq!(error["code"], "CF0201");
    assert_eq!(error["source"], "ceasefire");
    assert!(
        error["message"]
            .as_str()
            .expect("message")
            .contains("did you mean `strike`?"),
        "{error}"
    );
    assert_eq!(
        error["range"],
        json!({ "start": { "line": 9, "character": 7 }, "end": { "line": 9, "character": 12 } })
    );

    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": RULES.replace("strik ", "strike ") }] }),
    );
    let diagnostics = client.diagnostics(&uri);
    assert!(diagnostics.iter().all(|d| d["severity"] != 1), "{diagnostics:?}");
    client.stop();
}

/// An editor shows every mistake at once, as `check` does (issue 17): two
/// broken rules and an undeclared kind in a rule that parses.
#[test]
fn an_editor_shows_every_broken_item_and_the_mistakes_of_the_rest() {
    let dir = folder(&[]);
    let uri = uri(dir.path(), "a.cfr");
    let mut client = Client::start();
    let text = "event strike\nrule a { no strike during }\nrule b {\n  no strike after 2025-01-01\n\n\
                rule c { no strik after 2025-01-01 }\n";
    let diagnostics = client.open(&uri, text);
    let mut codes: Vec<&str> = diagnostics.iter().filter_map(|d| d["code"].as_str()).collect();
    codes.sort_unstable();
    assert_eq!(codes, ["CF0001", "CF0013", "CF0201"], "{diagnostics:?}");
    client.stop();
}

#[test]
fn hover_shows_declarations() {
    let dir = folder(&[]);
    let uri = uri(dir.path(), "a.cfr");
    let mut client = Client::start();
    client.open(&uri, &RULES.replace("strik ", "strike "));
    // `strike` in the rule.
    let hover = client.at("textDocument/hover", &uri, 9, 9);
    let text = hover["contents"]["value"].as_str().expect("markdown");
    assert!(text.contains("event strike { zone: zone, actor: text }"), "{text}");
    // `north`? The zone in `in zone z` is a variable; hover on the phase instead.
    let hover = client.at("textDocument/hover", &uri, 9, 31);
    let text = hover["contents"]["value"].as_str().expect("markdown");
    assert!(text.contains("phase p1 = from truce for 42d"), "{text}");
    // The zone declaration itself.
    let hover = client.at("textDocument/hover", &uri, 0, 6);
    assert!(
        hover["contents"]["value"]
            .as_str()
            .expect("markdown")
            .contains("zone north \"Northern Gaza\"")
    );
    // The rule's id.
    let hover = client.at("textDocument/hover", &uri, 6, 7);
    let text = hover["contents"]["value"].as_str().expect("markdown");
    assert!(
        text.contains("**No strikes**") && text.contains("no strike in zone z during p1"),
        "{text}"
    );
    // Blank space: nothing.
    assert_eq!(client.at("textDocument/hover", &uri, 5, 0), Value::Null);
    client.stop();
}

#[test]
fn hovers_show_titles_and_refs_as_text_not_markdown() {
    let rules = "event strike
rule r {
  title \"<img src=x onerror=alert(1)> [link](javascript:x) **bold**\"\n  ref \"`code` ``` end\"\n  no strike after 2025-01-01\n}\n";
    let dir = folder(&[]);
    let uri = uri(dir.path(), "a.cfr");
    let mut client = Client::start();
    client.open(&uri, rules);
    let hover = client.at("textDocument/hover", &uri, 1, 5);
    let text = hover["contents"]["value"].as_str().expect("markdown");
    assert!(text.contains("\\<img src=x onerror=alert(1)\\>"), "{text}");
    assert!(text.contains("\\[link\\](javascript:x) \\*\\*bold\\*\\*"), "{text}");
    assert!(text.contains("ref: \\`code\\` \\`\\`\\` end"), "{text}");
    client.stop();
}

#[test]
fn definitions_are_found_here_and_in_included_files() {
    let schema = "zone north\nevent truce\nevent strike { zone: zone }\n";
    let main =
        "include \"schema.cfr\"\nphase p1 = from truce for 1d\nrule quiet {\n  no strike in zone north during p1\n}\n";
    let dir = folder(&[("schema.cfr", schema)]);
    let main_uri = uri(dir.path(), "main.cfr");
    let mut client = Client::start();
    client.open(&main_uri, main);
    // `p1` in `during p1`: the phase, in this file.
    let here = client.at("textDocument/definition", &main_uri, 3, 34);
    assert_eq!(here["uri"], main_uri.as_str());
    assert_eq!(here["range"]["start"], json!({ "line": 1, "character": 6 }));
    // `north`: the zone, in the included schema.
    let there = client.at("textDocument/definition", &main_uri, 3, 22);
    assert_eq!(there["uri"], uri(dir.path(), "schema.cfr").as_str());
    assert_eq!(there["range"]["start"], json!({ "line": 0, "character": 5 }));
    client.stop();
}

#[test]
fn completion_offers_what_fits_where_the_cursor_is() {
    let dir = folder(&[]);
    let uri = uri(dir.path(), "a.cfr");
    let text = "zone north\nzone rafah\nevent truce\nevent strike { zone: zone, actor: text }\nphase p1 = from truce for 42d\n\
rule quiet {\n  no strike in zone \n}\n\
rule r2 {\n  no strike during \n}\n\
rule r3 {\n  \n}\n\
rule r4 {\n  every strike where \n}\n\
test \"t\" {\n  log {\n    2025-01-01T00:00Z \n  }\n  expect \n}\n\
rule done {\n  no strike during p1\n}\n";
    let mut client = Client::start();
    client.open(&uri, text);
    let has = |labels: &[String], wanted: &[&str]| wanted.iter().all(|w| labels.iter().any(|l| l == w));
    let zones = client.completions(&uri, 6, 20);
    assert!(
        has(&zones, &["north", "rafah"]) && !zones.contains(&"truce".to_string()),
        "{zones:?}"
    );
    let phases = client.completions(&uri, 9, 19);
    assert_eq!(phases, ["p1"]);
    let line_start = client.completions(&uri, 12, 2);
    assert!(
        has(&line_start, &["every", "no", "title", "for each", "truce", "strike"]),
        "{line_start:?}"
    );
    let fields = client.completions(&uri, 15, 21);
    assert!(has(&fields, &["zone", "actor"]), "{fields:?}");
    let kinds = client.completions(&uri, 19, 22);
    assert!(has(&kinds, &["truce", "strike"]), "{kinds:?}");
    // The rules that parse (the others are being written).
    let rules = client.completions(&uri, 21, 9);
    assert_eq!(rules, ["done"]);
    let top = client.completions(&uri, 23, 0);
    assert!(has(&top, &["zone", "event", "phase", "rule", "test"]), "{top:?}");
    client.stop();
}

#[test]
fn formatting_returns_the_canonical_layout() {
    let dir = folder(&[]);
    let uri = uri(dir.path(), "a.cfr");
    let mut client = Client::start();
    client.open(&uri, "zone   north   # the north\nevent truce\n");
    let edits = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let edits = edits.as_array().expect("edits");
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0]["newText"], "zone north  # the north\nevent truce\n");
    assert_eq!(edits[0]["range"]["start"], json!({ "line": 0, "character": 0 }));
    client.stop();
}

#[test]
fn quick_fixes_apply_did_you_mean() {
    let dir = folder(&[]);
    let uri = uri(dir.path(), "a.cfr");
    let mut client = Client::start();
    let diagnostics = client.open(&uri, RULES);
    let error = diagnostics
        .iter()
        .find(|d| d["code"] == "CF0201")
        .expect("CF0201")
        .clone();
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": error["range"], "context": { "diagnostics": [error] } }),
    );
    let actions = actions.as_array().expect("actions");
    assert_eq!(actions.len(), 1, "{actions:?}");
    let action = &actions[0];
    assert_eq!(action["title"], "replace `strik` with `strike`");
    assert_eq!(action["kind"], "quickfix");
    let edit = &action["edit"]["changes"][uri.as_str()][0];
    assert_eq!(edit["newText"], "strike");
    assert_eq!(edit["range"]["start"], json!({ "line": 9, "character": 7 }));
    client.stop();
}

#[test]
fn unknown_requests_get_an_error_and_the_server_keeps_going() {
    let mut client = Client::start();
    let id = 99;
    client.send(&json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/rename", "params": {} }));
    let response = client.response(id);
    assert_eq!(response["error"]["code"], -32601);
    client.stop();
}

#[test]
fn a_bug_in_a_request_is_an_internal_error_and_the_server_keeps_going() {
    let dir = tempfile::tempdir().expect("dir");
    let mut client = Client::start();
    let id = 98;
    // Debug builds panic on this request on purpose.
    client.send(&json!({ "jsonrpc": "2.0", "id": id, "method": "ceasefire/debugPanic", "params": {} }));
    let response = client.response(id);
    assert_eq!(response["error"]["code"], -32603, "{response}");
    let message = response["error"]["message"].as_str().expect("a message");
    assert!(message.starts_with("internal error in ceasefire "), "{message}");
    assert!(message.contains("please report it"), "{message}");
    // The server still answers.
    let uri = uri(dir.path(), "a.cfr");
    let diagnostics = client.open(
        &uri,
        "zone north\nevent strike { zone: zone }\nrule r { no strike in zone nort after 2025-01-01 }\n",
    );
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    client.stop();
}

impl Client {
    /// Writes bytes to the server as they are, frame or not.
    fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).expect("write");
        self.stdin.flush().expect("flush");
    }

    /// The next message that is not a notification.
    fn next_response(&mut self) -> Value {
        loop {
            let message = self.receive();
            if message.get("method").is_none() {
                return message;
            }
        }
    }
}

#[test]
fn malformed_frames_get_errors_and_the_server_keeps_serving() {
    let mut client = Client::start();
    let frame = |body: &[u8]| {
        let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        bytes.extend_from_slice(body);
        bytes
    };
    // Not JSON; JSON that is not an object; invalid UTF-8; an object that is
    // no message: each is answered, with the request's id where it has one.
    for (body, code) in [
        (&b"{not json"[..], -32700),
        (b"[1, 2, 3]", -32600),
        (b"{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\": \xff}", -32700),
        (b"{\"jsonrpc\": \"2.0\", \"id\": 8}", -32600),
    ] {
        client.send_raw(&frame(body));
        let answer = client.next_response();
        assert_eq!(answer["error"]["code"], code, "{answer}");
    }
    // A frame without `Content-Length`, and one too long to be read.
    client.send_raw(b"Content-Type: application/json\r\n\r\n");
    assert_eq!(client.next_response()["error"]["code"], -32700);
    let mut huge = b"Content-Length: 2000000000\r\n\r\n".to_vec();
    huge.extend(std::iter::repeat_n(b' ', 1 << 16));
    client.send_raw(&huge);
    // The server reads past the huge frame's bytes as they come, without
    // holding them: it is still running, and small.
    std::thread::sleep(Duration::from_millis(300));
    assert!(client.child.try_wait().expect("status").is_none(), "the server stopped");
    let pid = client.child.id();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let resident: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    assert!(resident < 200_000, "{resident} kB resident after a 2 GB Content-Length");
    let _ = client.child.kill();
}

#[test]
fn the_server_keeps_serving_after_bad_frames() {
    let mut client = Client::start();
    client.send_raw(b"Content-Length: 5\r\n\r\n{\"a\":");
    assert_eq!(client.next_response()["error"]["code"], -32700);
    client.send_raw(b"Content-Length: nine\r\n\r\n");
    assert_eq!(client.next_response()["error"]["code"], -32700);
    let dir = folder(&[]);
    let uri = uri(dir.path(), "a.cfr");
    client.open(&uri, "zone north\n");
    assert!(
        client.at("textDocument/hover", &uri, 0, 6)["contents"]["value"]
            .as_str()
            .is_some_and(|t| t.contains("zone north"))
    );
    client.stop();
}
