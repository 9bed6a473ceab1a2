//! The parallel chunk pipeline: one thread cuts the log into chunks of
//! whole records, workers parse them, and this thread takes their outcomes
//! in order, so the result is the same as reading the records one by one.

use super::chunk::{Chunk, Chunker};
use super::format::Records;
use super::record::{Fill, Outcome, Route, Typer};
use crate::check::Model;

/// At most this many worker threads parse chunks.
const MAX_WORKERS: usize = 4;

/// Parses a chunk's records (from byte `from`) into `out`, dropping what it
/// held before; a record too long to keep is one invalid record.
pub(crate) fn parse(
    parser: &dyn Records,
    chunk: &Chunk,
    from: usize,
    file: &str,
    typer: &Typer,
    out: &mut Vec<Outcome>,
    route: Option<&dyn Route>,
) {
    if let Some(length) = chunk.skipped {
        out.clear();
        out.push(Outcome::Invalid(super::chunk::skipped_record(chunk, length, file)));
        return;
    }
    // Overwrites the outcomes the list still holds from its last use,
    // routing each as it is typed.
    parser.parse(chunk, from, file, typer, &mut Fill::routing(out, route));
}

/// Parses the remaining chunks of `chunker` — on worker threads when the
/// machine has more than one core — handing their outcomes to `take` in order.
pub(crate) fn run(
    model: &Model,
    parser: &dyn Records,
    name: &str,
    mut chunker: Chunker,
    size: usize,
    route: Option<&dyn Route>,
    take: &mut dyn FnMut(&Chunk, &mut Vec<Outcome>),
) -> std::io::Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores < 2 {
        let typer = Typer::new(model).with_calendar(parser.calendar());
        let mut outcomes = Vec::new();
        while let Some(chunk) = chunker.next_chunk(size)? {
            parse(parser, &chunk, 0, name, &typer, &mut outcomes, route);
            take(&chunk, &mut outcomes);
        }
        return Ok(());
    }
    // This thread parses too while the next outcomes are not ready (see
    // `parallel`): one worker fewer than cores keeps each core busy with
    // one thread.
    let workers = (cores - 1).min(MAX_WORKERS);
    parallel(model, parser, name, chunker, (size, workers), route, take)
}

/// Parses the chunks on `workers` threads while this thread takes their
/// outcomes in order, parsing the next waiting chunk itself whenever the
/// outcomes it needs next are not ready.
fn parallel(
    model: &Model,
    parser: &dyn Records,
    name: &str,
    mut chunker: Chunker,
    (size, workers): (usize, usize),
    route: Option<&dyn Route>,
    take: &mut dyn FnMut(&Chunk, &mut Vec<Outcome>),
) -> std::io::Result<()> {
    use std::collections::BTreeMap;
    use std::sync::mpsc::sync_channel;
    use std::sync::{Arc, Mutex};
    let (work, jobs) = sync_channel::<(usize, Arc<Chunk>)>(workers * 2);
    let jobs = Mutex::new(jobs);
    let (done, results) = sync_channel::<(usize, Arc<Chunk>, Vec<Outcome>)>(workers * 2);
    // Emptied outcome lists go back to the workers to be filled again.
    let (give_back, spare) = std::sync::mpsc::channel::<Vec<Outcome>>();
    let spare = Mutex::new(spare);
    let failure: Mutex<Option<std::io::Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (jobs, done, spare) = (&jobs, done.clone(), &spare);
            scope.spawn(move || {
                let typer = Typer::new(model).with_calendar(parser.calendar());
                loop {
                    let job = jobs.lock().map(|j| j.recv());
                    let Ok(Ok((index, chunk))) = job else { break };
                    let mut outcomes = spare.lock().ok().and_then(|s| s.try_recv().ok()).unwrap_or_default();
                    parse(parser, &chunk, 0, name, &typer, &mut outcomes, route);
                    if done.send((index, chunk, outcomes)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done);
        let failure = &failure;
        scope.spawn(move || {
            for index in 0.. {
                match chunker.next_chunk(size) {
                    Ok(Some(chunk)) => {
                        if work.send((index, Arc::new(chunk))).is_err() {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        if let Ok(mut slot) = failure.lock() {
                            *slot = Some(e);
                        }
                        break;
                    }
                }
            }
        });
        // This thread takes the outcomes in order and, while the next is
        // not ready, parses a waiting chunk itself rather than wait: with
        // one worker fewer than cores, every core is busy and none shared.
        let typer = Typer::new(model).with_calendar(parser.calendar());
        let mut waiting: BTreeMap<usize, (Arc<Chunk>, Vec<Outcome>)> = BTreeMap::new();
        let mut next = 0;
        loop {
            while let Some((chunk, mut outcomes)) = waiting.remove(&next) {
                take(&chunk, &mut outcomes);
                let _ = give_back.send(outcomes);
                next += 1;
            }
            match results.try_recv() {
                Ok((index, chunk, outcomes)) => {
                    waiting.insert(index, (chunk, outcomes));
                    continue;
                }
                Err(std::sync::mpsc::TryRecvError::Disconnected) => break,
                Err(std::sync::mpsc::TryRecvError::Empty) => {}
            }
            let job = jobs.lock().ok().and_then(|j| j.try_recv().ok());
            match job {
                Some((index, chunk)) => {
                    let mut outcomes = spare.lock().ok().and_then(|s| s.try_recv().ok()).unwrap_or_default();
                    parse(parser, &chunk, 0, name, &typer, &mut outcomes, route);
                    waiting.insert(index, (chunk, outcomes));
                }
                None => match results.recv() {
                    Ok((index, chunk, outcomes)) => {
                        waiting.insert(index, (chunk, outcomes));
                    }
                    Err(_) => break,
                },
            }
        }
        // What this thread parsed after the workers had finished.
        while let Some((chunk, mut outcomes)) = waiting.remove(&next) {
            take(&chunk, &mut outcomes);
            next += 1;
        }
    });
    match failure.into_inner().ok().flatten() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
