/** One line of a diff: kept (' '), removed ('-') or added ('+'). */
interface DiffLine {
  readonly op: ' ' | '-' | '+';
  readonly text: string;
}

/** Largest middle part (changed lines before x after) compared line by line; a larger one is shown removed then added. */
const MAX_COMPARED_CELLS = 4_000_000;

/**
 * A unified diff of two texts (`diff -u` layout, 3 lines of context), or '' when they are equal.
 * Common leading and trailing lines are trimmed first, then the rest is compared through a longest
 * common subsequence, which finds the few changed lines of a large object quickly.
 */
export function unifiedDiff(before: string, after: string, beforeLabel: string, afterLabel: string, context = 3): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const lines = diffLines(a, b);
  const hunks: string[] = [];
  let index = 0;
  let aLine = 1;
  let bLine = 1;
  while (index < lines.length) {
    // Find the next change.
    let change = index;
    while (change < lines.length && lines[change].op === ' ') change++;
    if (change === lines.length) break;
    const start = Math.max(index, change - context);
    for (let skip = index; skip < start; skip++) {
      aLine++;
      bLine++;
    }
    // Extend while changes are closer than 2 * context.
    let end = change;
    let lastChange = change;
    while (end < lines.length && end - lastChange <= 2 * context) {
      if (lines[end].op !== ' ') lastChange = end;
      end++;
    }
    end = Math.min(lines.length, lastChange + context + 1);
    const body = lines.slice(start, end);
    const aCount = body.filter((line) => line.op !== '+').length;
    const bCount = body.filter((line) => line.op !== '-').length;
    hunks.push(`@@ -${aCount === 0 ? aLine - 1 : aLine},${aCount} +${bCount === 0 ? bLine - 1 : bLine},${bCount} @@`);
    for (const line of body) hunks.push(`${line.op}${line.text}`);
    aLine += aCount;
    bLine += bCount;
    index = end;
  }
  return [`--- ${beforeLabel}`, `+++ ${afterLabel}`, ...hunks].join('\n') + '\n';
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const middleA = a.slice(head, a.length - tail);
  const middleB = b.slice(head, b.length - tail);
  const kept = (text: string): DiffLine => ({ op: ' ', text });
  return [...a.slice(0, head).map(kept), ...diffMiddle(middleA, middleB), ...a.slice(a.length - tail).map(kept)];
}

function diffMiddle(a: readonly string[], b: readonly string[]): DiffLine[] {
  if ((a.length + 1) * (b.length + 1) > MAX_COMPARED_CELLS) {
    return [...a.map((text): DiffLine => ({ op: '-', text })), ...b.map((text): DiffLine => ({ op: '+', text }))];
  }
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1] + 1 : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
    }
  }
  const result: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      result.push({ op: ' ', text: a[i] });
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) {
      result.push({ op: '-', text: a[i++] });
    } else {
      result.push({ op: '+', text: b[j++] });
    }
  }
  while (i < a.length) result.push({ op: '-', text: a[i++] });
  while (j < b.length) result.push({ op: '+', text: b[j++] });
  return result;
}
