/* test_report.c - report.json, junit.xml, the console text and atomic report files. */
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli_child.h"
#include "report_test.h"
#include "schema_util.h"
#include "report/report.h"
#include "check/result.h"

#define STARTED_MS 1735689600123LL /* 2025-01-01T00:00:00.123Z */

/* Hostile text: markup, a CDATA end, quotes, control bytes, invalid UTF-8 (a lone
 * continuation byte, an overlong '/', a surrogate, a truncated euro sign), U+FFFE. */
static const char hostile[] = "<script>&amp;]]></x>\"'\x01\x08\x0b\x1b[2J\x7f"
                              "\x80\xC0\xAF\xED\xA0\x80\xE2\x82 \xEF\xBF\xBE end";

/* ---- helpers ---- */

static char *make_tmpdir(void)
{
    char tmpl[] = "/tmp/conform-report-XXXXXX";
    cr_assert_not_null(mkdtemp(tmpl), "mkdtemp: %s", strerror(errno));
    return cf_test_dup(tmpl);
}

static void remove_tree(char *dir)
{
    cf_test_remove_tree(dir);
    free(dir);
}

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    cr_assert_not_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* Names in dir that contain `part`. */
static int count_entries(const char *dir, const char *part)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "opendir %s: %s", dir, strerror(errno));
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strstr(e->d_name, part) != NULL;
    closedir(d);
    return n;
}

/* Runs a Python 3 script with the report directory as argv[1]; 1 when it exits with 0. */
static int python_ok(const char *dir, const char *script)
{
    return cf_test_python(dir, script, dir);
}

#define REQUEST "POST https://api.test/v1/upload\ncontent-type: application/json\n\n{\"a\":1}"
#define RESPONSE "HTTP 400 (3 ms)\ncontent-type: application/json\n\n{\"message\":\"no\"}"
#define CURL "curl -sS -i -X POST 'https://api.test/v1/upload' --data-binary '{\"a\":1}'"

/* Two spec files, the first one's cases split around the second's: a passed case, a failed
 * one (one check held, one did not), a case not run, another passed case. */
static void sample_run(cf_run_result *r)
{
    memset(r, 0, sizeof(*r));
    r->target = cf_test_dup("https://api.test");
    r->started_ms = STARTED_MS;
    r->requests = 5;
    r->duration_ms = 250.0;

    cf_case_result *c = cf_test_add_case(r, "specs/a.json", "Spec A", "ok-1", "works", 1, 1, 12.5);
    cf_test_add_check(c, "status.expected", 1, "create", "200", "200");
    cf_test_add_check(c, "envelope.shape", 1, "create", NULL, NULL);
    cf_test_add_exchange(c, "create", REQUEST, "HTTP 200 (1 ms)", CURL, 200, 1.0);

    c = cf_test_add_case(r, "specs/a.json", "Spec A", "bad-1", "rejects junk", 1, 0, 30.25);
    cf_test_add_check(c, "envelope.shape", 1, "create", NULL, NULL);
    cf_test_add_check(c, "status.code-mismatch", 0, "create", "200", "400");
    cf_test_add_exchange(c, "create", REQUEST, RESPONSE, CURL, 400, 3.0);

    cf_test_add_case(r, "specs/b.v2.json", "", "later", NULL, 0, 0, 0.0);

    c = cf_test_add_case(r, "specs/a.json", "Spec A", "ok-2", NULL, 1, 1, 7.0);
    cf_test_add_check(c, "status.expected", 1, "create", "200", "200");
}

static cJSON *load_json(const char *dir)
{
    char *path = path_in(dir, "report.json");
    size_t len = 0;
    char *text = cf_test_read_file(path, &len);
    cr_assert_not_null(text, "report.json missing");
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    cr_assert_not_null(root, "report.json is not JSON");
    free(text);
    free(path);
    return root;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    cr_assert(cJSON_IsNumber(v), "%s is not a number", key);
    return v->valuedouble;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    cr_assert(cJSON_IsString(v), "%s is not a string", key);
    return v->valuestring;
}

static void write_reports(const cf_run_result *r, const char *dir)
{
    char err[512] = "";
    cf_rc rc = cf_report_write_all(r, dir, err, sizeof(err));
    cr_assert_eq(rc, CF_OK, "write_all: %s (%s)", cf_strerror(rc), err);
}

/* ---- report.json ---- */

Test(report, json_report_holds_stats_cases_and_the_failed_exchange, .timeout = 10)
{
    cf_run_result r;
    sample_run(&r);
    char *dir = make_tmpdir();
    write_reports(&r, dir);
    cJSON *root = load_json(dir);

    cr_expect_str_eq(str(root, "conform_version"), CONFORM_VERSION);
    cr_expect_str_eq(str(root, "target"), "https://api.test");
    cr_expect_str_eq(str(root, "started_at"), "2025-01-01T00:00:00.123Z");
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "complete")));
    cr_expect(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(root, "unreachable")));
    cr_expect_null(cJSON_GetObjectItemCaseSensitive(root, "unreachable_reason"));

    const cJSON *stats = cJSON_GetObjectItemCaseSensitive(root, "stats");
    cr_assert(cJSON_IsObject(stats));
    cr_expect_eq(num(stats, "requests"), 5);
    cr_expect_eq(num(stats, "duration_ms"), 250);
    cr_expect_eq(num(stats, "cases"), 4);
    cr_expect_eq(num(stats, "passed"), 2);
    cr_expect_eq(num(stats, "failed"), 1);
    cr_expect_eq(num(stats, "not_run"), 1);
    cr_expect_eq(num(stats, "checks"), 5);
    cr_expect_eq(num(stats, "checks_failed"), 1);

    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(root, "cases");
    cr_assert_eq(cJSON_GetArraySize(cases), 4);
    static const char *const ids[] = {"ok-1", "bad-1", "later", "ok-2"};
    static const char *const status[] = {"passed", "failed", "not_run", "passed"};
    for (int i = 0; i < 4; i++) {
        const cJSON *c = cJSON_GetArrayItem(cases, i);
        cr_expect_str_eq(str(c, "id"), ids[i]);
        cr_expect_str_eq(str(c, "status"), status[i]);
        cr_expect(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(c, "checks")));
        /* Exchanges only for the failed case. */
        cr_expect_eq(cJSON_HasObjectItem(c, "exchanges"), i == 1, "case %d exchanges", i);
    }
    const cJSON *bad = cJSON_GetArrayItem(cases, 1);
    cr_expect_str_eq(str(bad, "spec"), "specs/a.json");
    cr_expect_str_eq(str(bad, "spec_title"), "Spec A");
    cr_expect_str_eq(str(bad, "summary"), "rejects junk");
    cr_expect_str_eq(str(bad, "replay"), "conform run --filter 'bad-1' specs/a.json");
    cr_expect_eq(num(bad, "duration_ms"), 30.25);
    const cJSON *tags = cJSON_GetObjectItemCaseSensitive(bad, "tags");
    cr_assert_eq(cJSON_GetArraySize(tags), 2);
    cr_expect_str_eq(cJSON_GetArrayItem(tags, 0)->valuestring, "smoke");
    cr_expect(
        cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cases, 2), "summary")));

    const cJSON *checks = cJSON_GetObjectItemCaseSensitive(bad, "checks");
    cr_assert_eq(cJSON_GetArraySize(checks), 2);
    const cJSON *held = cJSON_GetArrayItem(checks, 0);
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(held, "passed")));
    cr_expect_not(cJSON_HasObjectItem(held, "expected"), "a passed check carries no expected");
    const cJSON *broke = cJSON_GetArrayItem(checks, 1);
    cr_expect_str_eq(str(broke, "id"), "status.code-mismatch");
    cr_expect_str_eq(str(broke, "step"), "create");
    cr_expect(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(broke, "passed")));
    cr_expect_str_eq(str(broke, "expected"), "200");
    cr_expect_str_eq(str(broke, "actual"), "400");

    const cJSON *ex = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(bad, "exchanges"), 0);
    cr_assert_not_null(ex);
    cr_expect_str_eq(str(ex, "step"), "create");
    cr_expect_eq(num(ex, "status"), 400);
    cr_expect_eq(num(ex, "elapsed_ms"), 3);
    cr_expect_str_eq(str(ex, "request"), REQUEST);
    cr_expect_str_eq(str(ex, "response"), RESPONSE);
    cr_expect_str_eq(str(ex, "curl"), CURL);

    cJSON_Delete(root);
    cf_run_result_cleanup(&r);
    remove_tree(dir);
}

Test(report, json_report_stays_strict_utf8_json_with_hostile_strings, .timeout = 10)
{
    cf_run_result r = {0};
    r.target = cf_test_dup(hostile);
    cf_case_result *c = cf_test_add_case(&r, hostile, hostile, hostile, hostile, 1, 0, 1.0);
    cf_test_add_check(c, hostile, 0, hostile, hostile, hostile);
    cf_test_add_exchange(c, hostile, hostile, hostile, hostile, 500, 1.0);
    char *dir = make_tmpdir();
    write_reports(&r, dir);

    /* Python decodes the file as strict UTF-8: invalid bytes would make it fail. */
    cr_expect(python_ok(dir, "import json, sys\n"
                             "d = json.load(open(sys.argv[1] + '/report.json', encoding='utf-8'))\n"
                             "a = d['cases'][0]['checks'][0]['actual']\n"
                             "assert a.startswith('<script>&amp;]]></x>\"\\'\\x01'), a\n"
                             "assert '\\ufffd' in a and a.endswith(' end'), a\n"));
    cJSON *root = load_json(dir);
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(root, "cases");
    const char *id = str(cJSON_GetArrayItem(cases, 0), "id");
    cr_expect_not_null(strstr(id, "\xEF\xBF\xBD"), "invalid UTF-8 became U+FFFD");
    cr_expect_null(strstr(id, "\xC0\xAF"), "overlong sequence kept");
    cJSON_Delete(root);
    cf_run_result_cleanup(&r);
    remove_tree(dir);
}

Test(report, json_report_cuts_huge_strings, .timeout = 10)
{
    char *big = cf_test_repeat("x", 4 * CF_REPORT_FIELD_MAX);
    cf_run_result r = {0};
    cf_case_result *c = cf_test_add_case(&r, "specs/a.json", "A", "big", NULL, 1, 0, 1.0);
    cf_test_add_check(c, "body.size", 0, "s", "small", big);
    free(big);
    cf_buf b;
    cf_buf_init(&b, CF_REPORT_MAX);
    cr_assert_eq(cf_report_json(&r, &b), CF_OK);
    cr_expect_lt(b.len, 2 * CF_REPORT_FIELD_MAX, "report.json is %zu bytes", b.len);
    cr_expect_not_null(strstr(cf_buf_str(&b), "more bytes)"));
    cf_buf_free(&b);
    cf_run_result_cleanup(&r);
}

Test(report, builders_fail_cleanly_past_the_buffer_limit, .timeout = 10)
{
    cf_run_result r;
    sample_run(&r);
    cf_buf b;
    cf_buf_init(&b, 100);
    cr_expect_eq(cf_report_json(&r, &b), CF_E_TOO_LARGE);
    cf_buf_free(&b);
    cf_buf_init(&b, 100);
    cr_expect_eq(cf_report_junit(&r, &b), CF_E_TOO_LARGE);
    cf_buf_free(&b);
    cf_run_result_cleanup(&r);
}

/* ---- junit.xml ---- */

Test(report, junit_groups_cases_by_spec_file_in_order_of_first_appearance, .timeout = 10)
{
    cf_run_result r;
    sample_run(&r);
    char *dir = make_tmpdir();
    write_reports(&r, dir);
    cr_expect(python_ok(
        dir, "import sys, xml.etree.ElementTree as E\n"
             "root = E.parse(sys.argv[1] + '/junit.xml').getroot()\n"
             "assert root.tag == 'testsuites' and root.get('name') == 'conform'\n"
             "assert (root.get('tests'), root.get('failures'), root.get('errors')) == "
             "('4', '1', '0'), root.attrib\n"
             "assert root.get('time') == '0.250', root.get('time')\n"
             "s = root.findall('testsuite')\n"
             "assert [x.get('name') for x in s] == ['Spec A', 'specs/b.v2.json'], s\n"
             "a, b = s\n"
             "assert (a.get('tests'), a.get('failures'), a.get('errors'), a.get('skipped')) == "
             "('3', '1', '0', '0'), a.attrib\n"
             "assert a.get('timestamp') == '2025-01-01T00:00:00', a.get('timestamp')\n"
             "assert a.get('time') == '0.050', a.get('time')\n"
             "tc = a.findall('testcase')\n"
             "assert [t.get('name') for t in tc] == ['ok-1', 'bad-1', 'ok-2']\n"
             "assert {t.get('classname') for t in tc} == {'conform.a'}\n"
             "assert tc[1].get('time') == '0.030'\n"
             "assert tc[0].find('failure') is None\n"
             "f = tc[1].find('failure')\n"
             "assert f.get('message') == 'status.code-mismatch: expected 200, got 400', f.attrib\n"
             "assert f.get('type') == 'status.code-mismatch'\n"
             "t = f.text\n"
             "order = ['status.code-mismatch [create]', 'expected: 200', 'actual:   400',\n"
             "         'POST https://api.test/v1/upload', '{\"message\":\"no\"}',\n"
             "         \"curl -sS -i -X POST 'https://api.test/v1/upload'\",\n"
             "         \"rerun: conform run --filter 'bad-1' specs/a.json\"]\n"
             "at = [t.find(x) for x in order]\n"
             "assert -1 not in at and at == sorted(at), (at, t)\n"
             "assert 'envelope.shape' not in t, 'a held check is listed'\n"
             "(later,) = b.findall('testcase')\n"
             "assert later.get('classname') == 'conform.b_v2', later.get('classname')\n"
             "assert later.find('skipped') is not None and b.get('skipped') == '1'\n"
             "assert a.find('properties/property[@name=\"incomplete\"]') is None\n"));
    cf_run_result_cleanup(&r);
    remove_tree(dir);
}

Test(report, junit_is_well_formed_with_hostile_strings, .timeout = 10)
{
    cf_run_result r = {0};
    r.target = cf_test_dup(hostile);
    r.unreachable = 1;
    r.unreachable_why = cf_test_dup(hostile);
    cf_case_result *c = cf_test_add_case(&r, hostile, hostile, hostile, hostile, 1, 0, 1.0);
    cf_test_add_check(c, hostile, 0, hostile, hostile, hostile);
    cf_test_add_exchange(c, hostile, hostile, hostile, hostile, 500, 1.0);
    c = cf_test_add_case(&r, "specs/x.json", hostile, "second", NULL, 1, 0, 1.0);
    cf_test_add_check(c, "a.b", 0, NULL, NULL, hostile);
    char *dir = make_tmpdir();
    write_reports(&r, dir);
    cr_expect(python_ok(dir, "import sys, xml.etree.ElementTree as E\n"
                             "root = E.parse(sys.argv[1] + '/junit.xml').getroot()\n"
                             "tc = root.findall('testsuite/testcase')\n"
                             "assert len(tc) == 2, tc\n"
                             "n = tc[0].get('name')\n"
                             "assert n.startswith('<script>&amp;]]></x>\"\\'\\ufffd'), repr(n)\n"
                             "assert n.endswith(' end'), repr(n)\n"
                             "f = tc[0].find('failure')\n"
                             "assert ']]></x>' in f.text and '\\x1b' not in f.text, repr(f.text)\n"
                             "assert f.get('message').startswith('<script>'), f.get('message')\n"
                             "assert tc[1].find('failure').get('message').startswith("
                             "'a.b: expected (nothing), got <script>')\n"));
    /* No raw control byte or invalid sequence reached the file. */
    char *path = path_in(dir, "junit.xml");
    char *xml = cf_test_read_file(path, NULL);
    cr_assert_not_null(xml);
    cr_expect_null(strchr(xml, '\x1b'));
    cr_expect_null(strchr(xml, '\x01'));
    cr_expect_null(strstr(xml, "\xEF\xBF\xBE"), "U+FFFE is not allowed in XML 1.0");
    free(xml);
    free(path);
    cf_run_result_cleanup(&r);
    remove_tree(dir);
}

Test(report, incomplete_run_is_marked_in_both_files_and_skips_cases_not_run, .timeout = 10)
{
    cf_run_result r;
    sample_run(&r);
    r.incomplete = 1;
    char *dir = make_tmpdir();
    write_reports(&r, dir);
    cJSON *root = load_json(dir);
    cr_expect(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(root, "complete")));
    cJSON_Delete(root);
    cr_expect(python_ok(dir,
                        "import sys, xml.etree.ElementTree as E\n"
                        "root = E.parse(sys.argv[1] + '/junit.xml').getroot()\n"
                        "for s in root.findall('testsuite'):\n"
                        "    p = s.find('properties/property[@name=\"incomplete\"]')\n"
                        "    assert p is not None and p.get('value') == 'true'\n"
                        "sk = root.findall('testsuite/testcase/skipped')\n"
                        "assert len(sk) == 1, sk\n"
                        "assert sk[0].get('message') == 'not run: the run was interrupted'\n"));
    cf_run_result_cleanup(&r);
    remove_tree(dir);
}

Test(report, unreachable_target_is_an_error_not_a_failure, .timeout = 10)
{
    cf_run_result r = {0};
    r.unreachable = 1;
    r.unreachable_why = cf_test_dup("(no response: Could not resolve host: nowhere.test)");
    cf_case_result *c = cf_test_add_case(&r, "specs/a.json", "A", "down", NULL, 1, 0, 1.0);
    cf_test_add_check(c, "transport.reachable", 0, "s", "a response", "no response");
    cf_test_add_exchange(c, "s", REQUEST, "(no response: Could not resolve host)", CURL, 0, 1.0);
    c->exchanges[0].unreachable = 1;
    char *dir = make_tmpdir();
    write_reports(&r, dir);
    cJSON *root = load_json(dir);
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "unreachable")));
    cr_expect_str_eq(str(root, "unreachable_reason"),
                     "(no response: Could not resolve host: nowhere.test)");
    cJSON_Delete(root);
    cr_expect(python_ok(dir,
                        "import sys, xml.etree.ElementTree as E\n"
                        "root = E.parse(sys.argv[1] + '/junit.xml').getroot()\n"
                        "assert (root.get('failures'), root.get('errors')) == ('0', '1')\n"
                        "tc = root.find('testsuite/testcase')\n"
                        "assert tc.find('failure') is None and tc.find('error') is not None\n"
                        "p = root.find('testsuite/properties/property[@name=\"unreachable\"]')\n"
                        "assert 'nowhere.test' in p.get('value')\n"));
    cf_run_result_cleanup(&r);
    remove_tree(dir);
}

Test(report, empty_run_still_writes_valid_files, .timeout = 10)
{
    cf_run_result r = {0};
    char *dir = make_tmpdir();
    write_reports(&r, dir);
    cJSON *root = load_json(dir);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "cases")), 0);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(root, "target")));
    cJSON_Delete(root);
    cr_expect(python_ok(dir, "import sys, xml.etree.ElementTree as E\n"
                             "root = E.parse(sys.argv[1] + '/junit.xml').getroot()\n"
                             "assert root.get('tests') == '0'\n"
                             "assert len(root.findall('testsuite')) == 1\n"));
    cf_run_result_cleanup(&r);
    remove_tree(dir);
}

/* ---- files ---- */

Test(report, rewriting_a_report_replaces_it_whole_and_leaves_no_temp_files, .timeout = 10)
{
    char *dir = make_tmpdir();
    char *path = path_in(dir, "report.json");
    char err[512] = "";
    static const char old[] = "old old old old old old old old old old old old old\n";
    cr_assert_eq(cf_report_atomic_write(path, old, strlen(old), err, sizeof(err)), CF_OK, "%s",
                 err);
    chmod(path, 0640);
    cr_assert_eq(cf_report_atomic_write(path, "new\n", 4, err, sizeof(err)), CF_OK, "%s", err);
    size_t len = 0;
    char *got = cf_test_read_file(path, &len);
    cr_assert_not_null(got);
    cr_expect_eq(len, 4);
    cr_expect_str_eq(got, "new\n");
    free(got);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_expect_eq(st.st_mode & 0777, 0640, "mode %o not kept", (unsigned)(st.st_mode & 0777));
    cr_expect_eq(count_entries(dir, ".tmp."), 0);

    /* The same through write_all, twice: each file replaced, nothing else left. */
    cf_run_result r;
    sample_run(&r);
    write_reports(&r, dir);
    write_reports(&r, dir);
    cr_expect_eq(count_entries(dir, ".tmp."), 0);
    cr_expect_eq(count_entries(dir, "report.json"), 1);
    cr_expect_eq(count_entries(dir, "junit.xml"), 1);
    cJSON_Delete(load_json(dir));
    cf_run_result_cleanup(&r);
    free(path);
    remove_tree(dir);
}

Test(report, failed_write_midway_keeps_the_old_file_and_removes_the_temp, .timeout = 10)
{
    char *dir = make_tmpdir();
    char *path = path_in(dir, "junit.xml");
    char err[512] = "";
    cr_assert_eq(cf_report_atomic_write(path, "<old/>", 6, err, sizeof(err)), CF_OK, "%s", err);
    /* A file size limit makes write() fail with EFBIG after the temp file exists. */
    struct rlimit saved, small;
    cr_assert_eq(getrlimit(RLIMIT_FSIZE, &saved), 0);
    small = saved;
    small.rlim_cur = 64;
    signal(SIGXFSZ, SIG_IGN);
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
    char big[4096];
    memset(big, 'x', sizeof(big));
    cf_rc rc = cf_report_atomic_write(path, big, sizeof(big), err, sizeof(err));
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &saved), 0);
    cr_expect_eq(rc, CF_E_IO);
    cr_expect_not_null(strstr(err, path), "error names the path: %s", err);
    cr_expect_not_null(strstr(err, strerror(EFBIG)), "error says why: %s", err);
    char *got = cf_test_read_file(path, NULL);
    cr_assert_not_null(got);
    cr_expect_str_eq(got, "<old/>");
    free(got);
    cr_expect_eq(count_entries(dir, ".tmp."), 0);
    free(path);
    remove_tree(dir);
}

Test(report, writing_into_an_unwritable_directory_fails_clearly_and_creates_nothing, .timeout = 10)
{
    char *dir = make_tmpdir();
    char err[512] = "";

    /* A directory path that runs through a regular file. */
    char *file = path_in(dir, "plain");
    cr_assert_eq(cf_report_atomic_write(file, "x", 1, err, sizeof(err)), CF_OK, "%s", err);
    char *inside = path_in(file, "report.json");
    cr_expect_eq(cf_report_atomic_write(inside, "{}", 2, err, sizeof(err)), CF_E_IO);
    cr_expect_not_null(strstr(err, inside), "%s", err);
    cr_expect_not_null(strstr(err, strerror(ENOTDIR)), "%s", err);

    /* A read-only directory, as an unprivileged user (root drops to nobody to see it). */
    char *ro = path_in(dir, "ro");
    cr_assert_eq(mkdir(ro, 0555), 0);
    cr_assert_eq(chmod(ro, 0555), 0);
    cr_assert_eq(chmod(dir, 0755), 0);
    int was_root = geteuid() == 0;
    if (was_root)
        cr_assert_eq(seteuid(65534), 0, "seteuid: %s", strerror(errno));
    char *target = path_in(ro, "report.json");
    cf_rc rc = cf_report_atomic_write(target, "{}", 2, err, sizeof(err));
    char write_err[512];
    memcpy(write_err, err, sizeof(err));
    cf_rc prep = cf_report_dir_prepare(ro, err, sizeof(err));
    char prep_err[512];
    memcpy(prep_err, err, sizeof(err));
    cf_run_result r;
    sample_run(&r);
    cf_rc all = cf_report_write_all(&r, ro, err, sizeof(err));
    cf_run_result_cleanup(&r);
    if (was_root)
        cr_assert_eq(seteuid(0), 0);
    cr_expect_eq(rc, CF_E_IO);
    cr_expect_not_null(strstr(write_err, target), "%s", write_err);
    cr_expect_not_null(strstr(write_err, strerror(EACCES)), "%s", write_err);
    cr_expect_eq(prep, CF_E_IO);
    cr_expect_not_null(strstr(prep_err, "not writable"), "%s", prep_err);
    cr_expect_not_null(strstr(prep_err, ro), "%s", prep_err);
    cr_expect_eq(all, CF_E_IO);
    cr_expect_eq(count_entries(ro, "."), 2, "only . and .. in the read-only directory");

    free(target);
    free(ro);
    free(inside);
    free(file);
    remove_tree(dir);
}

Test(report, report_dir_is_created_with_parents_and_a_file_in_the_way_is_refused, .timeout = 10)
{
    char *dir = make_tmpdir();
    char err[512] = "";
    char *deep = path_in(dir, "a/b//c/");
    cr_assert_eq(cf_report_dir_prepare(deep, err, sizeof(err)), CF_OK, "%s", err);
    struct stat st;
    cr_assert_eq(stat(deep, &st), 0);
    cr_expect(S_ISDIR(st.st_mode));
    cr_expect_eq(cf_report_dir_prepare(deep, err, sizeof(err)), CF_OK, "existing is fine");

    char *file = path_in(dir, "a/b/file");
    cr_assert_eq(cf_report_atomic_write(file, "x", 1, err, sizeof(err)), CF_OK, "%s", err);
    cr_expect_eq(cf_report_dir_prepare(file, err, sizeof(err)), CF_E_IO);
    cr_expect_not_null(strstr(err, "not a directory"), "%s", err);
    char *below = path_in(file, "reports");
    cr_expect_eq(cf_report_dir_prepare(below, err, sizeof(err)), CF_E_IO);
    cr_expect_not_null(strstr(err, "not a directory"), "%s", err);
    cr_expect_eq(cf_report_dir_prepare("", err, sizeof(err)), CF_E_INVALID);

    /* write_all into a fresh nested directory creates it. */
    char *fresh = path_in(dir, "x/y");
    cf_run_result r;
    sample_run(&r);
    write_reports(&r, fresh);
    cf_run_result_cleanup(&r);
    cJSON_Delete(load_json(fresh));

    free(fresh);
    free(below);
    free(file);
    free(deep);
    remove_tree(dir);
}

/* ---- console ---- */

Test(report, console_shows_failed_check_exchange_and_replay_without_color, .timeout = 10)
{
    cf_run_result r;
    sample_run(&r);
    char *out = cf_test_console(&r, 0, 0);
    static const char *const want[] = {
        "FAIL specs/a.json bad-1 \xE2\x80\x94 rejects junk\n",
        "  \xE2\x9C\x97 status.code-mismatch [create]: expected 200, got 400\n",
        "  exchange [create]: HTTP 400 in 3 ms\n",
        "    > POST https://api.test/v1/upload\n    > content-type: application/json\n    >\n"
        "    > {\"a\":1}\n",
        "    < HTTP 400 (3 ms)\n",
        "    < {\"message\":\"no\"}\n",
        "  replay: " CURL "\n",
        "  rerun:  conform run --filter 'bad-1' specs/a.json\n",
        "4 cases: 2 passed, 1 failed, 1 not run \xC2\xB7 5 requests in 250 ms (20.0 req/s)\n",
    };
    const char *at = out;
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const char *hit = strstr(at, want[i]);
        cr_expect_not_null(hit, "missing or out of order: [%s] in\n%s", want[i], out);
        if (hit)
            at = hit;
    }
    cr_expect_null(strchr(out, '\033'), "color codes with color=0:\n%s", out);
    cr_expect_null(strstr(out, "PASS"), "passes listed without verbose");
    cr_expect_null(strstr(out, "envelope.shape"), "a held check is listed");
    cr_expect_null(strstr(out, "INCOMPLETE"));
    free(out);
    cf_run_result_cleanup(&r);
}

Test(report, console_colors_only_when_asked_and_lists_passes_when_verbose, .timeout = 10)
{
    cf_run_result r;
    sample_run(&r);
    char *colored = cf_test_console(&r, 1, 1);
    cr_expect_not_null(strstr(colored, "\033[31m"), "no red:\n%s", colored);
    cr_expect_not_null(strstr(colored, "\033[0m"));
    cr_expect_not_null(strstr(colored, "PASS\033[0m ok-1\n"), "%s", colored);
    char *verbose = cf_test_console(&r, 0, 1);
    cr_expect_null(strchr(verbose, '\033'));
    cr_expect_not_null(strstr(verbose, "PASS ok-1\n"), "%s", verbose);
    cr_expect_not_null(strstr(verbose, "PASS ok-2\n"), "%s", verbose);
    cr_expect_not_null(strstr(verbose, "SKIP later (not run)\n"), "%s", verbose);
    free(colored);
    free(verbose);
    cf_run_result_cleanup(&r);
}

Test(report, console_neutralises_terminal_escapes_in_results, .timeout = 10)
{
    cf_run_result r = {0};
    cf_case_result *c = cf_test_add_case(&r, "specs/a.json", "A", "evil", NULL, 1, 0, 1.0);
    cf_test_add_check(c, "body.echo", 0, "s", "clean",
                      "\x1b]0;pwned\x07\x1b[2J\r\x9b\xC2\x9B\xE2\x80\xAE");
    cf_test_add_exchange(c, "s", "GET /\r\n\r\n", "HTTP 200\r\n\r\n\x1b[31mred", "curl '\x1b'", 200,
                         1.0);
    char *out = cf_test_console(&r, 0, 0);
    cr_expect_null(strchr(out, '\033'), "escape reached the terminal:\n%s", out);
    cr_expect_null(strchr(out, '\r'));
    cr_expect_null(strchr(out, '\x07'));
    cr_expect_null(strstr(out, "\xC2\x9B"), "C1 CSI reached the terminal");
    cr_expect_null(strstr(out, "\xE2\x80\xAE"), "bidi override reached the terminal");
    cr_expect_not_null(strstr(out, "\xEF\xBF\xBD]0;pwned"), "%s", out);
    cr_expect_not_null(strstr(out, "    > GET /\n"), "CRLF shown as one line break:\n%s", out);
    free(out);
    cf_run_result_cleanup(&r);
}

Test(report, console_summary_names_incomplete_and_unreachable_runs, .timeout = 10)
{
    cf_run_result r;
    sample_run(&r);
    r.incomplete = 1;
    r.unreachable = 1;
    r.unreachable_why = cf_test_dup("(no response: Connection refused)");
    char *out = cf_test_console(&r, 0, 0);
    cr_expect_not_null(strstr(out, "INCOMPLETE: the run stopped before every case ran\n"), "%s",
                       out);
    cr_expect_not_null(strstr(out, "UNREACHABLE: (no response: Connection refused)\n"), "%s", out);
    free(out);
    cf_run_result_cleanup(&r);
}

/* ---- text cleaning ---- */

typedef struct {
    const char *in;
    size_t max;
    unsigned flags;
    const char *out;
} clean_case;

Test(report, clean_repairs_utf8_and_escapes_per_flag, .timeout = 10)
{
    static const clean_case cases[] = {
        {"plain", 100, 0, "plain"},
        {"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", 100, 0,
         "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"},
        {"a\x80z", 100, 0, "a\xEF\xBF\xBDz"},                 /* lone continuation */
        {"a\xC0\xAFz", 100, 0, "a\xEF\xBF\xBD\xEF\xBF\xBDz"}, /* overlong */
        {"a\xED\xA0\x80z", 100, 0, "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz"}, /* surrogate */
        {"a\xF4\x90\x80\x80z", 100, 0,
         "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz"}, /* past U+10FFFF */
        {"a\xE2\x82", 100, 0, "a\xEF\xBF\xBD\xEF\xBF\xBD"},     /* truncated at the end */
        {"\x01\x1b", 100, 0, "\x01\x1b"},                       /* JSON escapes these itself */
        {"<a href=\"x\">&'</a>", 100, CF_CLEAN_XML | CF_CLEAN_QUOTES,
         "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;"},
        {"<a href=\"x\">&'</a>", 100, CF_CLEAN_XML, "&lt;a href=\"x\"&gt;&amp;'&lt;/a&gt;"},
        {"]]>", 100, CF_CLEAN_XML, "]]&gt;"},
        {"t\tn\nr\r\x01\x7f\xEF\xBF\xBE", 100, CF_CLEAN_XML,
         "t\tn\nr&#13;\xEF\xBF\xBD\x7f\xEF\xBF\xBD"},
        {"a\tb\nc\r\nd", 100, CF_CLEAN_XML | CF_CLEAN_ONE_LINE, "a b c  d"},
        {"x\r\ny\rz\x1b\x7f\xC2\x9B\xE2\x80\xAE\t", 100, CF_CLEAN_TERMINAL,
         "x\ny\xEF\xBF\xBDz\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\t"},
        {"ab\xE2\x82\xAC", 3, 0, "ab... (3 more bytes)"}, /* never half a character */
        {"abcdef", 4, 0, "abcd... (2 more bytes)"},
        {"abcd", 4, 0, "abcd"},
        {"", 4, 0, ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cf_buf b;
        cf_buf_init(&b, 1024);
        cr_assert_eq(cf_report_clean(&b, cases[i].in, cases[i].max, cases[i].flags), CF_OK);
        cr_expect_str_eq(cf_buf_str(&b), cases[i].out, "case %zu", i);
        cf_buf_free(&b);
    }
    cf_buf b;
    cf_buf_init(&b, 16);
    cr_expect_eq(cf_report_clean(&b, NULL, 10, 0), CF_OK);
    cr_expect_eq(b.len, 0);
    cf_buf_free(&b);
}

/* A scenario that stopped at its first failed step: every report says which steps were not
 * run and names the operation of each exchange. */
Test(report, a_stopped_scenario_lists_its_steps_not_run_and_each_exchange_names_its_operation,
     .timeout = 10)
{
    cf_run_result r = {0};
    cf_case_result *c = cf_test_add_case(&r, "suite.json", "T", "create-get", NULL, 1, 0, 2.0);
    cf_test_add_check(c, "expect.outcome", 0, "create", "a success answer", "HTTP 500");
    cf_test_add_exchange(c, "create", "POST /posts", "HTTP 500", "curl x", 500, 2.0)->operation =
        cf_test_dup("createPost");
    c->not_run = cf_test_dup("step `get` (getPost) not run: step `create` failed");
    char *console = cf_test_console(&r, 0, 0);
    cr_expect_not_null(strstr(console, "  exchange [create] createPost: HTTP 500"), "%s", console);
    cr_expect_not_null(strstr(console, "  skipped: step `get` (getPost) not run"), "%s", console);
    char *json = cf_test_render(cf_report_json, &r);
    cr_expect_not_null(
        strstr(json, "\"not_run\":\"step `get` (getPost) not run: step `create` failed\""), "%s",
        json);
    cr_expect_not_null(strstr(json, "\"operation\":\"createPost\""), "%s", json);
    char *junit = cf_test_render(cf_report_junit, &r);
    cr_expect_not_null(strstr(junit, "exchange create (createPost)"), "%s", junit);
    cr_expect_not_null(strstr(junit, "skipped: step `get` (getPost)"), "%s", junit);
    free(console);
    free(json);
    free(junit);
    cf_run_result_cleanup(&r);
}
