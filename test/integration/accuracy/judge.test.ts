// The judge agrees with hand-checked pairs, executed for real in fixture copies.
import { afterAll, describe, expect, test } from "bun:test";
import { loadTasks, type FixtureName, type Task } from "../../../bench/accuracy/dataset.ts";
import { judge, normalizeOutput, primaryJudge, tfidfCosine } from "../../../bench/accuracy/judge.ts";
import { execute, openHarness } from "../../../bench/accuracy/run.ts";

describe("output comparisons", () => {
  test("TF-IDF cosine as scikit-learn computes it on two texts", () => {
    // the,sat in both (idf 1), cat/dog in one (idf 1 + ln 1.5): 2 / (2 + (1 + ln 1.5)^2)
    expect(tfidfCosine("the cat sat", "the dog sat")).toBeCloseTo(2 / (2 + (1 + Math.log(1.5)) ** 2), 6);
    expect(tfidfCosine("Hello World", "hello world\n")).toBeCloseTo(1, 9);
    expect(tfidfCosine("", "x y")).toBe(0); // no tokens at all: equal texts only
    expect(tfidfCosine("", "")).toBe(1);
    expect(tfidfCosine("total 4", "")).toBe(0);
  });

  test("normalised output ignores runs of whitespace, blank lines and line order", () => {
    expect(normalizeOutput("b  c\n\na\n")).toBe(normalizeOutput("a\nb c"));
    expect(normalizeOutput("a b")).not.toBe(normalizeOutput("ab"));
  });
});

const h = openHarness();
afterAll(() => h.dispose());

const tasks = loadTasks();
const taskOn = (fixture: FixtureName): Task => tasks.find((t) => t.fixture === fixture)!;

// [fixture, expected, answer, right?] checked by hand: right means it does what
// the expected command does to the files and prints the same information.
const pairs: [FixtureName, string, string, boolean][] = [
  ["fs_1", "echo hello world", "echo -n 'hello world'", true],
  ["fs_1", "touch /testbed/test.txt", "> /testbed/test.txt", true],
  ["fs_1", "ls /testbed", "ls /testbed | sort -r", true],
  ["fs_1", "cat /testbed/dir1/textfile1.txt", "head -n 5 /testbed/dir1/textfile1.txt", true],
  ["fs_2", "find /system/folder1 -name '*.doc' -exec rm {} \\;", "find /system/folder1 -type f -name '*.doc' -delete", true],
  ["fs_3", "grep -rl TERMINATE /workspace", "grep -rl 'TERMINATE' /workspace/", true],
  ["fs_5", "find /testbed -name '*.py'", "find /testbed -type f -name '*.py'", true],
  ["fs_1", "mkdir /testbed/test_dir", "mkdir /testbed/test-dir", false],
  ["fs_1", "rm /testbed/hello.php", "rm /testbed/hello.c", false],
  ["fs_1", "chmod 755 /testbed/hello.c", "chmod 644 /testbed/hello.c", false],
  ["fs_1", "wc -l /testbed/dir1/textfile1.txt", "cat /testbed/dir1/textfile1.txt", false],
  ["fs_1", "echo a > /tmp/x", "echo b > /tmp/x", false],
  ["fs_2", "ls /system/folder1", "ls /system/folder2", false],
  ["fs_3", "find /workspace -type f -size +1k", "find /workspace -type f -size -1k", false],
  ["fs_1", "ls /testbed", "true", false],
];

describe("judge on hand-checked pairs", () => {
  for (const [fixture, expected, answer, right] of pairs) {
    test(`${fixture}: "${answer}" for "${expected}" is ${right ? "right" : "wrong"}`, async () => {
      const task = taskOn(fixture);
      const [e, a] = await Promise.all([execute(h, task, expected), execute(h, task, answer)]);
      expect(judge(expected, e, answer, a).verdicts[primaryJudge]).toBe(right);
      expect(h.outsideViolations()).toEqual([]);
    });
  }

  test("the same command text is right even when its output changes between runs, as in the official scorer", async () => {
    const task = taskOn("fs_1");
    const cmd = "head -c 16 /dev/urandom | od -An -tx1";
    const [e, a] = await Promise.all([execute(h, task, cmd), execute(h, task, cmd)]);
    expect(e.output).not.toBe(a.output);
    expect(judge(cmd, e, cmd, a).verdicts[primaryJudge]).toBe(true);
  });
});
