//! Puts the comments back next to the lines they belong with, and writes
//! the text: blank lines between items as the rules of the layout say.

use super::comments::{Comment, blank_between};
use super::layout::{Block, Line};

/// Where each comment goes: above a line, after it, or at the end of the file.
struct Placement<'c> {
    /// Indexed by line (in output order).
    above: Vec<Vec<&'c Comment>>,
    after: Vec<Option<&'c Comment>>,
    tail: Vec<&'c Comment>,
}

fn place<'c>(lines: &[&Line], comments: &'c [Comment]) -> Placement<'c> {
    let mut placement = Placement {
        above: vec![Vec::new(); lines.len()],
        after: vec![None; lines.len()],
        tail: Vec::new(),
    };
    for comment in comments {
        let at = comment.start;
        if !comment.own_line {
            // After code: the line whose source starts last before it.
            let line = (0..lines.len())
                .filter(|&i| lines[i].anchor.0 <= at)
                .max_by_key(|&i| (lines[i].anchor.0, i));
            if let Some(i) = line {
                if placement.after[i].is_none() {
                    placement.after[i] = Some(comment);
                } else {
                    placement.above[i].push(comment);
                }
                continue;
            }
        }
        // On its own line: above the construct it sits in, else above the next line.
        let inside = (0..lines.len()).find(|&i| lines[i].leaf && lines[i].anchor.0 <= at && at < lines[i].anchor.1);
        let next = inside.or_else(|| (0..lines.len()).find(|&i| lines[i].anchor.0 >= at));
        match next {
            Some(i) => placement.above[i].push(comment),
            None => placement.tail.push(comment),
        }
    }
    placement
}

/// The formatted text.
pub(crate) fn render(blocks: &[Block], comments: &[Comment], source: &str) -> String {
    let lines: Vec<&Line> = blocks.iter().flat_map(|b| &b.lines).collect();
    let placement = place(&lines, comments);
    let columns = comment_columns(&lines, &placement);
    let mut out = String::new();
    let mut index = 0;
    // The source end of what was written last at the top level.
    let mut previous: Option<usize> = None;
    let mut previous_multiline = false;
    for (b, block) in blocks.iter().enumerate() {
        for (l, line) in block.lines.iter().enumerate() {
            let above = &placement.above[index];
            if l == 0 {
                // Top level: blank lines as in the source, and always
                // around items that take several lines.
                let forced = b > 0 && (block.multiline || previous_multiline);
                let mut first = true;
                for comment in above {
                    blank_line(&mut out, previous, comment.start as usize, first && forced, source);
                    write_comment(&mut out, 0, comment);
                    previous = Some(comment.start as usize + comment.text.len());
                    first = false;
                }
                blank_line(&mut out, previous, block.span.start as usize, first && forced, source);
            } else {
                let indent = line.indent + usize::from(line.closer);
                for comment in above {
                    write_comment(&mut out, indent, comment);
                }
            }
            write_line(&mut out, line, placement.after[index], columns[index]);
            index += 1;
        }
        previous = Some(block.span.end as usize);
        previous_multiline = block.multiline;
    }
    for comment in &placement.tail {
        blank_line(&mut out, previous, comment.start as usize, false, source);
        write_comment(&mut out, 0, comment);
        previous = Some(comment.start as usize + comment.text.len());
    }
    out
}

/// Writes a blank line before what starts at `next`, if the source had one
/// after `previous`, or if `forced` (and anything was written before).
fn blank_line(out: &mut String, previous: Option<usize>, next: usize, forced: bool, source: &str) {
    let Some(previous) = previous else { return };
    if forced || blank_between(source, previous, next) {
        out.push('\n');
    }
}

fn write_comment(out: &mut String, indent: usize, comment: &Comment) {
    out.push_str(&"  ".repeat(indent));
    out.push_str(&comment.text);
    out.push('\n');
}

fn write_line(out: &mut String, line: &Line, comment: Option<&Comment>, column: usize) {
    let start = out.len();
    out.push_str(&"  ".repeat(line.indent));
    out.push_str(&line.text);
    if let Some(comment) = comment {
        let width = out[start..].chars().count();
        out.push_str(&" ".repeat(column.saturating_sub(width).max(2)));
        out.push_str(&comment.text);
    }
    out.push('\n');
}

fn width(line: &Line) -> usize {
    line.indent * 2 + line.text.chars().count()
}

/// The column of each line's trailing comment: lined up within a run of
/// one-line declarations, two spaces after the code otherwise.
fn comment_columns(lines: &[&Line], placement: &Placement) -> Vec<usize> {
    lines
        .iter()
        .map(|line| {
            let own = width(line) + 2;
            let Some(run) = line.run else { return own };
            lines
                .iter()
                .zip(&placement.after)
                .filter(|(other, comment)| other.run == Some(run) && comment.is_some())
                .map(|(other, _)| width(other) + 2)
                .max()
                .unwrap_or(own)
        })
        .collect()
}
