// Errors as data: every check returns Problems; formatting is separate (format.ts).

export type Severity = 'error' | 'warning';
export type PathSeg = string | number;

export interface Position {
  file: string;
  line: number;
  column: number;
}

export interface Problem extends Position {
  severity: Severity;
  /** Stable identifier, e.g. E-DUP-ADDRESS; documented in docs/errors.md. */
  code: string;
  /** One sentence saying what is wrong and what to do. */
  message: string;
  /** Path into the design document, e.g. ["nodes", "pc1", "gateway"]. */
  path: PathSeg[];
}

/** Where a problem points before it is given a file position. */
export interface Finding {
  severity: Severity;
  code: string;
  message: string;
  path: PathSeg[];
  /** Point at the key of the last path segment rather than its value. */
  atKey?: boolean;
}

export const error = (code: string, path: PathSeg[], message: string, atKey = false): Finding => ({
  severity: 'error',
  code,
  path,
  message,
  atKey,
});

export const warning = (code: string, path: PathSeg[], message: string, atKey = false): Finding => ({
  severity: 'warning',
  code,
  path,
  message,
  atKey,
});

/** Sort by position, then code, so output is stable whatever order checks ran in. */
export function sortProblems(ps: Problem[]): Problem[] {
  return [...ps].sort(
    (a, b) => a.line - b.line || a.column - b.column || a.code.localeCompare(b.code) || a.message.localeCompare(b.message),
  );
}
