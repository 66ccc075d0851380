// The NL2SH-ALFA test set as shipped in bench/accuracy/data/nl2sh-alfa (MIT, see
// its README): 300 requests, each with two verified commands and the fixture
// (file tree) it runs against.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const dataDir = join(import.meta.dir, "data", "nl2sh-alfa");

export interface Task {
  id: string;
  index: number;
  nl: string;
  /** The first verified command: the one the official scorer compares against. */
  cmd: string;
  /** The second verified command. */
  alternatives: string[];
  difficulty: 0 | 1 | 2;
  fixture: FixtureName;
  fixture_index: number;
  shell: "bash" | "sh";
  image: string;
  tags_heuristic: string[];
  /** Non-empty when the request or command also appears in NL2Bash or tldr: never a prompt example. */
  exact_overlap: string[];
}

export type FixtureName = "fs_1" | "fs_2" | "fs_3" | "fs_4" | "fs_5";
export const fixtureNames: FixtureName[] = ["fs_1", "fs_2", "fs_3", "fs_4", "fs_5"];

export interface Entry {
  path: string;
  type: "dir" | "file" | "symlink";
  mode: string;
  size?: number;
  mtime?: string;
  content?: string;
  content_b64?: string;
  zero_filled?: boolean;
  gzip_of_content?: string;
  archive_members?: string[];
  sha256?: string;
  content_omitted?: string;
  target?: string;
}

export interface Fixture {
  fixture: FixtureName;
  container_shell: string;
  env?: Record<string, string>;
  entries: Entry[];
}

function read(name: string): string {
  const file = join(dataDir, name);
  if (!existsSync(file)) throw new Error(`accuracy: missing data file ${file} (the repository's bench/accuracy/data is incomplete)`);
  return readFileSync(file, "utf8");
}

let tasks: Task[] | undefined;
export function loadTasks(): Task[] {
  tasks ??= read("test.jsonl")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Task);
  return tasks;
}

const fixtures = new Map<FixtureName, Fixture>();
export function loadFixture(name: FixtureName): Fixture {
  let f = fixtures.get(name);
  if (!f) {
    f = JSON.parse(read(join("fixtures", `${name}.json`))) as Fixture;
    fixtures.set(name, f);
  }
  return f;
}

export interface PaperRow {
  model: string;
  params_b?: number;
  base: number | null;
  cd: number | null;
  parse: number | null;
  icl: number | null;
  iwl: number | null;
}

export function loadPublished(): { results: PaperRow[] } {
  return JSON.parse(read("published_results.json"));
}

export interface JudgeCalibration {
  rule: string;
  precision: number;
  recall: number;
  tp: number;
  fp: number;
}

export function loadCalibration(): {
  judges: Record<string, JudgeCalibration>;
  per_task: { index: number; state_equal: boolean; stdout_exact: boolean; stdout_normalized: boolean; tfidf: number }[];
} {
  return JSON.parse(read("local_judge_calibration.json"));
}

/** The upstream setup script the fixture lists at `/setup_nl2b_fs_N.sh` (a text file some tasks read). */
export function setupScript(name: FixtureName): Buffer {
  return readFileSync(join(dataDir, "setup", `setup_nl2b_${name}.sh`));
}
