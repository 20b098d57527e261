// Mermaid's own gantt parser and task model (the npm package, offline), for checking the charts the
// markdown ticket carries. Mermaid needs a DOM for its sanitizer: jsdom stands in, only while the
// module loads.
import { JSDOM } from 'jsdom';

export interface GanttTask {
  /** The task's text as Mermaid will print it (entity codes decoded). */
  text: string;
  section: string;
  start: number;
  end: number;
  milestone: boolean;
  tags: string[];
}

export interface GanttModel {
  sections: string[];
  tasks: GanttTask[];
}

type MermaidApi = {
  parse(text: string): Promise<unknown>;
  mermaidAPI: { getDiagramFromText(text: string): Promise<{ db: GanttDb }> };
};
type GanttDb = {
  getTasks(): Array<{ task: string; section: string; startTime: Date; endTime: Date; milestone?: boolean; done?: boolean; active?: boolean; crit?: boolean }>;
  getSections(): string[];
};

let loaded: Promise<MermaidApi> | null = null;

function mermaid(): Promise<MermaidApi> {
  loaded ??= (async () => {
    const g = globalThis as Record<string, unknown>;
    const had = { window: g.window, document: g.document };
    const dom = new JSDOM('<!DOCTYPE html><html><body></body></html>');
    g.window = dom.window;
    g.document = dom.window.document;
    try {
      return (await import('mermaid')).default as unknown as MermaidApi;
    } finally {
      g.window = had.window;
      g.document = had.document;
    }
  })();
  return loaded;
}

/** Mermaid's entity codes, as its renderer turns them back into characters. */
function decode(s: string): string {
  return s.replace(/ﬂ°°(\d+)¶ß/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/ﬂ°(\w+)¶ß/g, (_, n: string) => `&${n};`);
}

/** Parses a gantt chart with Mermaid and returns its sections and tasks; throws on what Mermaid rejects. */
export async function parseGantt(text: string): Promise<GanttModel> {
  const m = await mermaid();
  await m.parse(text);
  const { db } = await m.mermaidAPI.getDiagramFromText(text);
  return {
    sections: db.getSections().map(decode),
    tasks: db.getTasks().map((t) => ({
      text: decode(t.task).trim(),
      section: decode(t.section),
      start: t.startTime.getTime(),
      end: t.endTime.getTime(),
      milestone: Boolean(t.milestone),
      tags: (['done', 'active', 'crit'] as const).filter((k) => t[k]),
    })),
  };
}
