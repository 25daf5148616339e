// OVSDB's JSON-RPC has no framing: messages are JSON objects one after the other on the
// stream. This splits them by counting braces outside strings, carrying the scan state across
// chunks, so each byte is looked at once however the stream is cut.
export class JsonStream {
  private buf = '';
  private pos = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;

  /** Feed a chunk; returns the complete messages it finished. */
  push(chunk: string): unknown[] {
    this.buf += chunk;
    const out: unknown[] = [];
    let start = 0;
    for (let i = this.pos; i < this.buf.length; i++) {
      const c = this.buf.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92 /* \ */) this.escaped = true;
        else if (c === 34 /* " */) this.inString = false;
        continue;
      }
      if (c === 34) this.inString = true;
      else if (c === 123 /* { */) this.depth++;
      else if (c === 125 /* } */ && --this.depth === 0) {
        out.push(JSON.parse(this.buf.slice(start, i + 1)));
        start = i + 1;
      }
    }
    this.buf = this.buf.slice(start);
    this.pos = this.buf.length;
    return out;
  }
}
