/**
 * Finds the requirement a command applies to: the one under the cursor (a
 * set entry, or an embedded literal in Swift/ObjC/C/shell/plist), or the one
 * a code lens names. Ranges map back to the editor exactly, through the host
 * literal's escapes, so clause decorations land on the right characters.
 */
import * as vscode from 'vscode';
import type { Requirement } from '../grammar/ast.js';
import { checkModule } from './lazy.js';

export interface TargetRequirement {
  requirement: Requirement;
  /** The text the requirement's ranges refer to. */
  text: string;
  /** Requirement-text offset → document offset. */
  toDocOffset: (offset: number) => number;
  /** Short name for messages ("designated entry", "literal at line 12"). */
  label: string;
  /** Where a code lens or decoration for the whole requirement goes. */
  anchor: number;
}

export class RequirementError extends Error {}

/** A requirement that was found but has errors: commands that only embed its text may still use it (after asking). */
export class RequirementWithErrors extends RequirementError {
  constructor(
    message: string,
    readonly requirementText: string,
    readonly label: string,
  ) {
    super(message);
  }
}

/** `index`/`entry` come from the server's code lens argument; otherwise the cursor decides. */
export function requirementAt(doc: vscode.TextDocument, cursor: number, index?: number, entry?: number): TargetRequirement {
  const m = checkModule();
  if (doc.languageId === 'csreq') {
    const text = doc.getText();
    const parsed = m.parse(text);
    const document = parsed.document;
    const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
    if (!document || errors.length > 0) {
      const first = errors[0];
      throw new RequirementWithErrors(`The requirement has ${errors.length} error(s)${first ? ` (line ${first.range.start.line}: ${first.message})` : ''}; fix them first (see the Problems view).`, text.trim(), 'requirement');
    }
    if (document.kind === 'requirement') return { requirement: document, text, toDocOffset: (o) => o, label: 'requirement', anchor: document.range.start.offset };
    const entries = document.entries;
    if (entries.length === 0) throw new RequirementError('The requirement set is empty.');
    const chosen =
      (entry !== undefined ? entries[entry] : undefined) ??
      entries.find((e) => e.range.start.offset <= cursor && cursor <= e.range.end.offset) ??
      entries.find((e) => e.type === 3) ??
      entries[0]!;
    const name = text.slice(chosen.typeRange.start.offset, chosen.typeRange.end.offset);
    return { requirement: chosen.requirement, text, toDocOffset: (o) => o, label: `${name} entry`, anchor: chosen.range.start.offset };
  }
  // Templates (text with holes filled in at run time) are not one requirement: they are linted, not tested or compiled.
  const found = m.extractRequirements(doc.getText(), doc.languageId).filter((r) => !r.notAnalysed && !r.holes);
  if (found.length === 0) throw new RequirementError('No requirement string found in this file (a literal passed to SecRequirementCreateWithString, setCodeSigningRequirement, codesign -R, SMPrivilegedExecutables, …).');
  const emb = (index !== undefined ? found[index] : undefined) ?? found.find((r) => r.hostStart <= cursor && cursor <= r.hostEnd) ?? (found.length === 1 ? found[0] : undefined);
  if (!emb) throw new RequirementError(`This file has ${found.length} requirement strings: put the cursor inside the one to use.`);
  const parsed = m.parse(emb.text, { mode: 'single' });
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (!parsed.document || parsed.document.kind !== 'requirement' || errors.length > 0) {
    const line = doc.positionAt(emb.hostStart).line + 1;
    throw new RequirementWithErrors(`The requirement string has errors${errors[0] ? ` (${errors[0].message})` : ''}; fix them first.`, emb.text, `${emb.api} string at line ${line}`);
  }
  const line = doc.positionAt(emb.hostStart).line + 1;
  return { requirement: parsed.document, text: emb.text, toDocOffset: (o) => emb.toHostOffset(o), label: `${emb.api} string at line ${line}`, anchor: emb.hostStart };
}

/**
 * The requirement text under the cursor as written, for commands that embed
 * it (XPC code generation): as requirementAt, comments around it left out,
 * but a requirement with errors is returned too, so the command can say what
 * is wrong and ask.
 */
export function requirementTextAt(doc: vscode.TextDocument, cursor: number, index?: number, entry?: number): { text: string; label: string } {
  try {
    const req = requirementAt(doc, cursor, index, entry);
    return { text: req.text.slice(req.requirement.range.start.offset, req.requirement.range.end.offset), label: req.label };
  } catch (err) {
    if (err instanceof RequirementWithErrors) return { text: err.requirementText, label: err.label };
    throw err;
  }
}
