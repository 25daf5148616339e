// Design text shown to people. A YAML key or value may hold any Unicode, including terminal
// escape sequences (ESC [ ... m, or the one-character CSI U+009B), line breaks and bidi
// overrides that make a message read differently from what it says. Every message vnetmap
// prints about a design passes through printable() once, where it becomes a Problem (load.ts)
// or a user error (cli/main.ts), so no check has to remember it.

/**
 * Characters that change what a terminal shows rather than showing themselves: C0 and C1
 * controls and DEL (\p{Cc}), format characters such as bidi overrides and zero-width joiners
 * (\p{Cf}), the Unicode line and paragraph separators, and lone surrogates.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

const ONE = new RegExp(UNSAFE.source, 'u');

/** JSON's escape of one character: \n, or \u001b (two of them for a character beyond U+FFFF). */
const escape = (c: string): string =>
  SHORT[c] ?? [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');

/** The text with each unsafe character written as a JSON-style escape. */
export const printable = (s: string): string => s.replace(UNSAFE, escape);

/** True when printable() would change nothing. */
export const isPrintable = (s: string): boolean => !ONE.test(s);
