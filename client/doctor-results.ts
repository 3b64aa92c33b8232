/**
 * `csrl doctor`'s report in the results view: one root per diagnosed bundle
 * (the latest run), a row per relationship with the engine's verdict words,
 * clause and fact (what `csrl doctor` prints), its architectures and notes
 * below, then what was skipped.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DoctorReport, Relationship, RelationshipSlice } from '../engine/doctor/types.js';
import { VERDICT_WORDS } from '../engine/render.js';
import type { OverallVerdict } from '../engine/result.js';
import type { ResultsSource } from './results.js';

export const DOCTOR_MARK: Record<OverallVerdict, string> = { satisfied: '✔', unsatisfied: '✘', undetermined: '?', invalid: '✘' };
const ICON: Record<OverallVerdict, string> = { satisfied: 'pass', unsatisfied: 'error', undetermined: 'question', invalid: 'error' };

type Node =
  | { t: 'report'; r: DoctorReport }
  | { t: 'rel'; rel: Relationship }
  | { t: 'slice'; s: RelationshipSlice }
  | { t: 'text'; label: string; description?: string; icon?: string; children?: Node[] };

/** "clause (arch) — fact" as `csrl doctor` prints it after the verdict. */
export function failureText(x: { clause?: string; fact?: string; arch?: string }): string {
  const arch = x.arch && x.arch !== 'all' ? ` (${x.arch})` : '';
  return `${x.clause ?? ''}${arch}${x.fact !== undefined ? ` — ${x.fact}` : ''}`;
}

export class DoctorResults implements ResultsSource<Node>, vscode.Disposable {
  private readonly reports = new Map<string, DoctorReport>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  show(bundle: string, report: DoctorReport): void {
    this.reports.delete(bundle);
    this.reports.set(bundle, report);
    this.emitter.fire();
  }

  all(): DoctorReport[] {
    return [...this.reports.values()];
  }

  roots(): Node[] {
    return [...this.reports.values()].reverse().map((r) => ({ t: 'report', r }));
  }

  children(n: Node): Node[] {
    switch (n.t) {
      case 'report': {
        const out: Node[] = n.r.relationships.map((rel) => ({ t: 'rel', rel }));
        if (n.r.error) out.push({ t: 'text', label: n.r.error.message, description: n.r.error.code, icon: 'error' });
        if (n.r.skipped.length > 0) out.push({ t: 'text', label: `Skipped (${n.r.skipped.length})`, children: n.r.skipped.map((s) => ({ t: 'text', label: s.path, description: s.reason, icon: 'info' })) });
        return out;
      }
      case 'rel':
        return [
          ...(n.rel.slices.length > 1 || n.rel.verdict !== 'satisfied' ? n.rel.slices.map((s): Node => ({ t: 'slice', s })) : []),
          ...(n.rel.notes ?? []).map((note): Node => ({ t: 'text', label: note, icon: 'info' })),
        ];
      case 'text':
        return n.children ?? [];
      default:
        return [];
    }
  }

  item(n: Node): vscode.TreeItem {
    const none = vscode.TreeItemCollapsibleState.None;
    switch (n.t) {
      case 'report': {
        const counts = (['satisfied', 'unsatisfied', 'undetermined', 'invalid'] as const).filter((v) => n.r.counts[v] > 0).map((v) => `${n.r.counts[v]} ${VERDICT_WORDS[v]}`);
        const item = new vscode.TreeItem(`${DOCTOR_MARK[n.r.verdict]} Doctor — ${path.basename(n.r.path)}`, vscode.TreeItemCollapsibleState.Expanded);
        item.description = `${VERDICT_WORDS[n.r.verdict]} (${n.r.relationships.length} relationships${counts.length ? `: ${counts.join(', ')}` : ''})`;
        item.tooltip = n.r.path;
        item.contextValue = 'csrl.doctor';
        return item;
      }
      case 'rel': {
        const r = n.rel;
        const parties = r.subject === r.against ? r.subject : `${r.subject} ← ${r.against}`;
        const item = new vscode.TreeItem(`${DOCTOR_MARK[r.verdict]} ${r.kind}: ${parties}`, this.children(n).length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : none);
        item.description = r.verdict === 'satisfied' ? VERDICT_WORDS[r.verdict] : `${VERDICT_WORDS[r.verdict]}: ${failureText(r)}`;
        item.tooltip = [`${r.kind}: ${parties}`, `rule: ${r.rule}`, ...(r.via ? [`written in: ${r.via}`] : []), `${VERDICT_WORDS[r.verdict]}${r.verdict === 'satisfied' ? '' : `: ${failureText(r)}`}`].join('\n');
        item.iconPath = new vscode.ThemeIcon(ICON[r.verdict]);
        return item;
      }
      case 'slice': {
        const item = new vscode.TreeItem(`${n.s.arch}: ${VERDICT_WORDS[n.s.verdict]}`, none);
        item.description = n.s.verdict === 'satisfied' ? '' : failureText({ ...n.s, arch: 'all' });
        item.iconPath = new vscode.ThemeIcon(ICON[n.s.verdict]);
        return item;
      }
      case 'text': {
        const item = new vscode.TreeItem(n.label, n.children ? vscode.TreeItemCollapsibleState.Collapsed : none);
        if (n.description) item.description = n.description;
        item.tooltip = n.description ? `${n.label}\n${n.description}` : n.label;
        if (n.icon) item.iconPath = new vscode.ThemeIcon(n.icon);
        return item;
      }
    }
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
