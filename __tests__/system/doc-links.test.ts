/**
 * Every relative link in README.md, CONTRIBUTING.md and docs/*.md points at a file that
 * exists, and every `#anchor` at a heading of that file (as GitHub names it), so that the
 * README's links to the runbooks and the docs' links to each other keep working when a
 * section moves; and docs/README.md, the index of docs/, links every page there. Links to
 * the web are not followed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stacks/bundle";

const PAGES = [
  "README.md",
  "CONTRIBUTING.md",
  ...readdirSync(path.join(PROJECT_ROOT, "docs"))
    .filter((file) => file.endsWith(".md"))
    .map((file) => `docs/${file}`),
];

/** The text outside fenced code blocks and code spans: a link there is text, not a link. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").replace(/(`+)[\s\S]*?\1/g, "");
}

/** The targets of the inline links and images of a page: `[text](target)`, `![alt](target "title")`. */
function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  for (const match of prose(markdown).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(match[1]);
  return targets;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens, `-1`, `-2` for repeats. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  const withoutCode = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
  for (const [, heading] of withoutCode.matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
    const text = heading
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/<[^>]+>/g, "")
      .trim();
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, "")
      .replace(/ /g, "-");
    const seen = counts.get(slug) ?? 0;
    counts.set(slug, seen + 1);
    anchors.add(seen === 0 ? slug : `${slug}-${seen}`);
  }
  for (const [, id] of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(id);
  return anchors;
}

describe.each(PAGES)("%s", (page) => {
  const text = readFileSync(path.join(PROJECT_ROOT, page), "utf8");
  const relative = linkTargets(text).filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));

  test("every relative link points at a file or folder of the repository", () => {
    const missing = relative
      .map((target) => target.split("#")[0])
      .filter((file) => file !== "")
      .filter((file) => !existsSync(path.resolve(PROJECT_ROOT, path.dirname(page), decodeURIComponent(file))));
    expect(missing).toEqual([]);
  });

  test("every #anchor names a heading of the page it points at", () => {
    const broken = relative
      .filter((target) => target.includes("#"))
      .filter((target) => {
        const [file, anchor] = target.split("#");
        const resolved = file === "" ? path.join(PROJECT_ROOT, page) : path.resolve(PROJECT_ROOT, path.dirname(page), file);
        if (!existsSync(resolved) || statSync(resolved).isDirectory() || !resolved.endsWith(".md")) return true;
        return !headingAnchors(readFileSync(resolved, "utf8")).has(decodeURIComponent(anchor));
      });
    expect(broken).toEqual([]);
  });
});

test("docs/README.md, the index of docs/, links every page of docs/", () => {
  const index = new Set(
    linkTargets(readFileSync(path.join(PROJECT_ROOT, "docs", "README.md"), "utf8")).map((target) => target.split("#")[0]),
  );
  const pages = readdirSync(path.join(PROJECT_ROOT, "docs")).filter((file) => file.endsWith(".md") && file !== "README.md");
  expect(pages.filter((file) => !index.has(file))).toEqual([]);
});

test("the checker finds links and GitHub's anchors", () => {
  expect(linkTargets('See [a](docs/a.md#x), ![b](b.png "t"), `[c](not-a-link)`, [d](https://example.com).')).toEqual([
    "docs/a.md#x",
    "b.png",
    "https://example.com",
  ]);
  expect([
    ...headingAnchors("# Title\n## `npm run dlq`: the dead-letter queue\n## Runbook: CompensationFailed\n## Title\n"),
  ]).toEqual(["title", "npm-run-dlq-the-dead-letter-queue", "runbook-compensationfailed", "title-1"]);
  expect(
    headingAnchors("### Seeding, destroy and re-apply never touch a live figure").has(
      "seeding-destroy-and-re-apply-never-touch-a-live-figure",
    ),
  ).toBe(true);
});
