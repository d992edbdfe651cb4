"""End-to-end tests of the CLI's contract: exit statuses, usage errors,
JSON on stdout only, quiet mode, and docs/codes.md generated from the code
table (so the documentation cannot drift from the code)."""
import json
import os

import e2e_lib as e2e


class Cli(e2e.GradpackTestCase):
    def test_version_and_help(self):
        proc = e2e.gradpack("--version")
        self.assertEqual(proc.returncode, 0)
        self.assertRegex(proc.stdout, r"^gradpack \d+\.\d+\.\d+")
        proc = e2e.gradpack("--help")
        self.assertEqual(proc.returncode, 0)
        for command in ("check", "pack", "verify", "merge", "fix", "codes"):
            self.assertIn(command, proc.stdout)
        proc = e2e.gradpack("check", "--help")
        self.assertEqual(proc.returncode, 0)
        self.assertIn("--profile", proc.stdout)

    def test_usage_errors_exit_2(self):
        cases = [
            ("nonsense",),
            ("check",),
            ("check", "only-one-argument"),
            ("check", "a", "b", "c"),
            ("check", "--format", "xml", "a", "b"),
            ("check", "--threads", "-3", "a", "b"),
            ("check", "--no-such-option", "a", "b"),
        ]
        for args in cases:
            with self.subTest(args=args):
                proc = e2e.gradpack(*args)
                self.assertEqual(proc.returncode, 2, proc.stderr)
                self.assertEqual(proc.stdout, "")
                self.assertTrue(proc.stderr.strip())

    def test_unopenable_inputs_exit_2(self):
        roster, photos = self.make_station(1)
        proc = e2e.gradpack("check", self.path("missing.csv"), photos)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("missing.csv", proc.stderr)
        proc = e2e.gradpack("check", roster, self.path("no-such-folder"))
        self.assertEqual(proc.returncode, 2)
        self.assertIn("no-such-folder", proc.stderr)
        proc = e2e.gradpack("check", roster, photos, "--profile", "no-such-profile")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("no-such-profile", proc.stderr)

    def test_json_document(self):
        roster, photos = self.make_station(2)
        os.remove(os.path.join(photos, "0002.jpg"))
        status, doc, proc = e2e.gradpack_json("check", roster, photos)
        self.assertEqual(status, 1)
        self.assertEqual(proc.stderr, "")
        self.assertEqual(doc["tool"], "gradpack")
        self.assertEqual(doc["command"], "check")
        self.assertEqual(doc["profile"], "xinhua-shandong")
        self.assertEqual(doc["summary"]["rows"], 2)
        self.assertEqual(doc["summary"]["photos"], 1)
        self.assertEqual(doc["summary"]["errors"], 1)
        [missing] = e2e.findings(doc, "photo.missing")
        self.assertEqual(missing["seq"], "0002")
        self.assertEqual(missing["row"], 3)
        self.assertEqual(missing["severity"], "error")
        for key in ("severity", "code", "seq", "row", "field", "file", "message", "actual", "expected"):
            self.assertIn(key, missing)

    def test_quiet_prints_summary_and_verdict_only(self):
        roster, photos = self.make_station(2)
        proc = e2e.gradpack("check", "--quiet", roster, photos)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual(len(lines), 2, proc.stdout)
        self.assertIn("错误 0 个", lines[0])
        self.assertTrue(lines[1].startswith("结论："), lines[1])
        os.remove(os.path.join(photos, "0001.jpg"))
        proc = e2e.gradpack("check", "--quiet", roster, photos)
        self.assertEqual(proc.returncode, 1)
        lines = proc.stdout.splitlines()
        self.assertEqual(len(lines), 2, proc.stdout)
        self.assertIn("错误 1 个", lines[0])
        self.assertNotIn("photo.missing", proc.stdout)

    def test_output_is_reproducible(self):
        roster, photos = self.make_station(3)
        os.remove(os.path.join(photos, "0003.jpg"))
        first = e2e.gradpack("check", "--format", "json", "--threads", "1", roster, photos).stdout
        second = e2e.gradpack("check", "--format", "json", "--threads", "4", roster, photos).stdout
        self.assertEqual(first, second)

    def test_codes_doc_matches_table(self):
        proc = e2e.gradpack("codes", "--markdown")
        self.assertEqual(proc.returncode, 0)
        with open(os.path.join(e2e.SOURCE_ROOT, "docs", "codes.md"), encoding="utf-8") as f:
            doc = f.read()
        if proc.stdout not in doc:
            table = set(proc.stdout.splitlines())
            documented = set(doc.splitlines())
            self.fail("docs/codes.md is out of date (regenerate the table with `gradpack codes "
                      "--markdown`); undocumented rows: %s; stale rows: %s"
                      % (sorted(table - documented)[:5],
                         sorted(line for line in documented - table if line.startswith("| `"))[:5]))
        table = json.loads(e2e.gradpack("codes", "--format", "json").stdout)
        self.assertGreater(len(table), 40)
        self.assertIn("photo.filesize", {c["code"] for c in table})


if __name__ == "__main__":
    e2e.main()
