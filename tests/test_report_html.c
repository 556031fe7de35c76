/* test_report_html.c - report.html: escaping of everything a server, spec or variable wrote,
 * and the page in a real browser (headless Chromium): it renders, its script runs without a
 * console message, the filters work, and no injected markup becomes an element. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_child.h"
#include "report/report.h"
#include "report_test.h"

#define CHROMIUM "/usr/bin/chromium"
#define SCREENSHOT CONFORM_BINARY_DIR "/report-html-test.png"

/* What a hostile server (or spec, or variable) may put in any string a report shows. */
#define SCRIPT "<script>document.body.setAttribute('data-pwned','1')</script>"
#define IMG "\"><img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">"
#define HOSTILE SCRIPT IMG "'><svg onload=alert(1)>&amp;\x01\xC0\xAF"

/* A run where every string a report shows is hostile, with a passed, a failed (twice, one
 * cause) and a not-run case, and coverage. */
static void hostile_run(cf_run_result *r)
{
    memset(r, 0, sizeof(*r));
    r->target = cf_test_dup("https://api.test/" HOSTILE);
    r->started_ms = 1735689600123LL;
    r->requests = 3;
    r->duration_ms = 20.0;
    cf_case_result *c =
        cf_test_add_case(r, "specs/a.json", "A " HOSTILE, "ok " HOSTILE, HOSTILE, 1, 1, 1.0);
    cf_test_add_check(c, "status.success", 1, "s", NULL, NULL);
    for (int i = 0; i < 2; i++) {
        c = cf_test_add_case(r, "specs/a.json", "A", i ? "bad-2" : "bad-1 " HOSTILE, HOSTILE, 1, 0,
                             2.0);
        c->operation = cf_test_dup("Op " HOSTILE);
        cf_test_add_check(c, "envelope.shape " HOSTILE, 0, "s " HOSTILE, "expected " HOSTILE,
                          "got " HOSTILE);
        cf_exchange_record *e = cf_test_add_exchange(c, "s " HOSTILE, "POST /x\n\n" HOSTILE,
                                                     "HTTP 500\n\n{\"m\":\"" HOSTILE "\"}",
                                                     "curl '" HOSTILE "'", 500, 1.0);
        e->error_code = cf_test_dup("E" HOSTILE);
        free(c->tags[1]);
        c->tags[1] = cf_test_dup("tag " HOSTILE);
    }
    cf_test_add_case(r, "specs/b.json", "B", "later", NULL, 0, 0, 0.0);
    r->coverage = calloc(1, sizeof(*r->coverage));
    cr_assert_not_null(r->coverage);
    r->coverage_count = 1;
    cf_op_coverage *op = &r->coverage[0];
    op->operation = cf_test_dup("Op " HOSTILE);
    op->spec_file = cf_test_dup("specs/a.json");
    op->items = calloc(2, sizeof(*op->items));
    op->hit = calloc(2, 1);
    cr_assert(op->items && op->hit);
    op->items[0] = cf_test_dup("status 200");
    op->items[1] = cf_test_dup("success #/kind = \"" HOSTILE "\"");
    op->hit[0] = 1;
    op->count = 2;
}

/* Parses `html` with Python's HTML parser (a browser's tokenizer rules) and fails unless every
 * element is one the writer emits and no attribute is an event handler. */
static int only_our_markup(const char *dir, const char *html_path)
{
    return cf_test_python(
        dir,
        "import sys\nfrom html.parser import HTMLParser\n"
        "ok = set('html head meta title style body header h1 h2 h3 p b i main section div "
        "span table tr th td label select option details summary ul li code pre br "
        "script'.split())\n"
        "bad = []\nscripts = []\n"
        "class P(HTMLParser):\n"
        "    def handle_starttag(self, tag, attrs):\n"
        "        if tag not in ok: bad.append(tag)\n"
        "        bad.extend(a for a, v in attrs if a.startswith('on'))\n"
        "        if tag == 'script': scripts.append(dict(attrs))\n"
        "P().feed(open(sys.argv[1], encoding='utf-8').read())\n"
        "assert not bad, bad\n"
        "assert len(scripts) == 1 and 'nonce' in scripts[0], scripts\n",
        html_path);
}

Test(report_html, every_string_from_a_server_spec_or_variable_is_escaped, .timeout = 30)
{
    cf_run_result r;
    hostile_run(&r);
    char *html = cf_test_render(cf_report_html, &r);
    cr_expect_eq(cf_test_count(html, "<script"), 1, "one script, ours");
    cr_expect_null(strstr(html, "<img"), "markup from a response became an element");
    cr_expect_null(strstr(html, "<svg"));
    cr_expect_null(strstr(html, "\"><img"), "an attribute value was closed by data");
    cr_expect_null(strstr(html, "\x01"), "a control byte passed");
    cr_expect_geq(cf_test_count(html, "&lt;script&gt;document.body"), 8,
                  "the text is shown, escaped");
    cr_expect_geq(cf_test_count(html, "&quot;&gt;&lt;img src=x onerror="), 8);
    cr_expect_not_null(strstr(html, "&amp;amp;"), "& escaped once more");
    cr_expect_not_null(strstr(html, "Content-Security-Policy"));
    cr_expect_null(strstr(html, "src=\""), "something is fetched");
    cr_expect_null(strstr(html, "href=\""), "something is linked");

    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    char path[128];
    snprintf(path, sizeof(path), "%s/report.html", dir);
    cf_test_write_file(path, html);
    cr_expect(only_our_markup(dir, path), "foreign markup or an event handler in the page");
    cf_test_remove_tree(dir);
    free(html);
    cf_run_result_cleanup(&r);
}

Test(report_html, nonce_differs_per_page_and_filters_list_each_value_once, .timeout = 30)
{
    cf_run_result r;
    hostile_run(&r);
    char *a = cf_test_render(cf_report_html, &r);
    char *b = cf_test_render(cf_report_html, &r);
    const char *na = strstr(a, "'nonce-"), *nb = strstr(b, "'nonce-");
    cr_assert(na && nb);
    cr_expect_neq(strncmp(na, nb, 40), 0, "the script nonce is guessable");
    cr_expect_eq(cf_test_count(a, "<option value=\"Op "), 1, "operation listed once:\n%s", a);
    cr_expect_eq(cf_test_count(a, "<option value=\"envelope.shape "), 1);
    cr_expect_eq(cf_test_count(a, "<option value=\"smoke\">"), 1);
    cr_expect_not_null(strstr(a, "Failures (1 distinct)"));
    cr_expect_not_null(strstr(a, "also in 1 more case: <code>bad-2</code>"), "%s", a);
    cr_expect_not_null(strstr(a, "50.0% (1/2)"), "coverage figure");
    free(a);
    free(b);
    cf_run_result_cleanup(&r);
}

/* Opens `url` in headless Chromium: the DOM after its scripts ran (stdout) and what Chromium
 * logged, console messages included (stderr), in *p; with `png`, a screenshot too. */
static void chromium(cf_child *p, const char *dir, const char *url, const char *png)
{
    char profile[128], shot[256];
    snprintf(profile, sizeof(profile), "--user-data-dir=%s/profile", dir);
    snprintf(shot, sizeof(shot), "--screenshot=%s", png ? png : "");
    const char *dom[] = {"--headless",
                         "--no-sandbox",
                         "--disable-gpu",
                         "--no-first-run",
                         profile,
                         "--enable-logging=stderr",
                         "--v=0",
                         "--dump-dom",
                         url,
                         NULL};
    const char *picture[] = {"--headless",
                             "--no-sandbox",
                             "--disable-gpu",
                             "--no-first-run",
                             profile,
                             "--hide-scrollbars",
                             "--window-size=1280,1400",
                             shot,
                             url,
                             NULL};
    if (png) {
        cf_child_spawn(p, CHROMIUM, NULL, NULL, picture);
        cf_child_finish_within(p, 120000);
        cr_assert_eq(p->status, 0, "chromium --screenshot failed:\n%s", cf_buf_str(&p->err));
        cf_child_cleanup(p);
    }
    cf_child_spawn(p, CHROMIUM, NULL, NULL, dom);
    cf_child_finish_within(p, 120000);
    cr_assert_eq(p->status, 0, "chromium --dump-dom failed:\n%s", cf_buf_str(&p->err));
}

/* Every report of hostile_run() in a fresh directory; `url` opens report.html with `hash`. */
static void write_hostile_reports(char *dir, size_t n, char *url, size_t urln, const char *hash)
{
    if (access(CHROMIUM, X_OK) != 0)
        cr_skip_test("%s is not installed (make deps installs it)", CHROMIUM);
    cf_run_result r;
    hostile_run(&r);
    char err[512] = "";
    cf_test_tmpdir(dir, n);
    cr_assert_eq(cf_report_write_all(&r, dir, err, sizeof(err)), CF_OK, "%s", err);
    cf_run_result_cleanup(&r);
    snprintf(url, urln, "file://%s/report.html%s", dir, hash);
}

/* Whether the first case row with this outcome carries the hidden attribute; -1: no such row. */
static int row_hidden(const char *dom, const char *outcome)
{
    char start[96];
    snprintf(start, sizeof(start), "<tr class=\"case\" data-outcome=\"%s\"", outcome);
    const char *row = strstr(dom, start);
    if (!row)
        return -1;
    const char *end = strchr(row, '>');
    const char *h = strstr(row, " hidden");
    return h && end && h < end;
}

Test(report_html, renders_in_headless_chromium_with_no_console_message, .timeout = 300)
{
    char dir[64], url[256];
    write_hostile_reports(dir, sizeof(dir), url, sizeof(url), "");
    unlink(SCREENSHOT);
    cf_child p;
    chromium(&p, dir, url, SCREENSHOT);
    const char *dom = cf_buf_str(&p.out), *log = cf_buf_str(&p.err);
    cr_expect_not_null(strstr(dom, "<body data-ready=\"1\""), "the page's script did not finish");
    cr_expect_null(strstr(dom, "data-pwned=\""), "an injected script or handler ran");
    cr_expect_null(strstr(dom, "<img"), "an injected element exists");
    cr_expect_eq(cf_test_count(dom, "<script"), 1, "one script element, ours");
    cr_expect_null(strstr(log, ":CONSOLE"), "the page logged to the console:\n%s", log);
    cr_expect_not_null(strstr(dom, "4 shown"), "every case row shown without a filter");
    char *png = cf_test_read_file(SCREENSHOT, NULL);
    cr_expect(png && memcmp(png, "\x89PNG", 4) == 0, "no screenshot at " SCREENSHOT);
    free(png);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
}

Test(report_html, a_link_selects_filters_and_the_page_hides_the_rest, .timeout = 300)
{
    char dir[64], url[256];
    write_hostile_reports(dir, sizeof(dir), url, sizeof(url), "#outcome=failed&tag=smoke");
    cf_child p;
    chromium(&p, dir, url, NULL);
    const char *dom = cf_buf_str(&p.out);
    cr_expect_not_null(strstr(dom, "2 shown"), "two failed cases:\n%s", dom);
    cr_expect_eq(row_hidden(dom, "passed"), 1, "the passed row is shown");
    cr_expect_eq(row_hidden(dom, "not_run"), 1, "the row not run is shown");
    cr_expect_eq(row_hidden(dom, "failed"), 0, "a failed row is hidden");
    cf_child_cleanup(&p);
    /* A malformed link selects nothing and breaks nothing. */
    snprintf(url, sizeof(url), "file://%s/report.html#outcome=%%E0%%A4%%A&op", dir);
    chromium(&p, dir, url, NULL);
    dom = cf_buf_str(&p.out);
    const char *log = cf_buf_str(&p.err);
    cr_expect_not_null(strstr(dom, "4 shown"), "a malformed link filtered something");
    cr_expect_null(strstr(log, ":CONSOLE"), "%s", log);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
}
