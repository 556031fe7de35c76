/* test_cli_fuzz_api.c - `conform fuzz` over whole contracts, as a process: nothing found against
 * the conforming mock of the service contract (`conform serve`) and of the other bundled
 * contracts; faults planted on the second operation of a two-operation contract (items_server.h)
 * each found by the campaign within 20 s and by `conform run`'s generated cases, the saved
 * finding failing the same check when replayed against the faulty server and passing against the
 * mock; one seed with --jobs 1 sending the same campaign twice. */
#include <criterion/criterion.h>
#include <criterion/logging.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "cli_child.h"
#include "items_server.h"

#define SPEC_DIR CONFORM_SOURCE_DIR "/specs/connect-participant"
#define SERVICE SPEC_DIR "/service.json"

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = get(o, k);
    cr_assert(cJSON_IsNumber(v), "no number \"%s\"", k);
    return v->valuedouble;
}

static cJSON *load_summary(const char *dir)
{
    return cf_test_load_json(dir, "summary.json");
}

/* `conform serve --spec FILE --port 0` as a child; its base URL into url. */
static void serve(cf_child *srv, const char *spec, char *url, size_t n)
{
    const char *args[] = {"serve", "--spec", spec, "--port", "0", NULL};
    cf_child_start(srv, NULL, NULL, args);
    cf_child_await(srv, "listening on ", 20000);
    const char *line = strstr(cf_buf_str(&srv->out), "listening on ");
    cr_assert_not_null(line);
    char fmt[32];
    snprintf(fmt, sizeof fmt, "listening on %%%zus", n - 1);
    cr_assert_eq(sscanf(line, fmt, url), 1);
}

static void unserve(cf_child *srv)
{
    cr_assert_eq(kill(srv->pid, SIGTERM), 0);
    cf_child_finish(srv);
    cf_child_cleanup(srv);
}

/* A campaign of `spec` against `url`; exits `want`; returns summary.json. */
static cJSON *campaign(const char *url, const char *spec, const char *dir, const char *seed,
                       const char *jobs, const char *duration, const char *max, int want)
{
    const char *args[] = {"fuzz", "--target", url,  "--duration", duration, "--max-requests",
                          max,    "--seed",   seed, "--jobs",     jobs,     "--report-dir",
                          dir,    spec,       NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, want, "%s: exit %d\n%s\n%s", spec, p.status, p.out.ptr, p.err.ptr);
    cJSON *s = load_summary(dir);
    cf_child_cleanup(&p);
    return s;
}

/* Nothing found, every operation fuzzed, both sides of the oracle exercised. */
static void assert_clean(const cJSON *s, double operations, const char *what)
{
    char *text = cJSON_Print(get(s, "findings"));
    cr_assert_eq(cJSON_GetArraySize(get(s, "findings")), 0, "%s: %s", what, text);
    free(text);
    cr_assert_eq(num(s, "operations"), operations, "%s", what);
    cr_assert_eq(num(s, "operations_left_out"), 0, "%s", what);
    double requests = num(s, "requests"), valid = num(s, "valid_requests");
    cr_assert_gt(requests, 1000, "%s: only %.0f requests", what, requests);
    cr_assert_gt(valid, 100, "%s", what);
    cr_assert_lt(valid, requests, "%s", what);
}

Test(cli_fuzz_api, service_contract_against_its_mock_finds_nothing, .timeout = 120)
{
    cf_child srv;
    char url[64], dir[64];
    serve(&srv, SERVICE, url, sizeof url);
    cf_test_tmpdir(dir, sizeof(dir));
    cJSON *s = campaign(url, SERVICE, dir, "5", "8", "20", "100000000", 0);
    assert_clean(s, 11, SERVICE);
    /* The operations behind setup steps were reached: their resources were made first. */
    cr_assert_gt(num(s, "setup_requests"), 5);
    cJSON_Delete(s);
    cf_test_remove_tree(dir);
    unserve(&srv);
}

/* A 20 s campaign of each bundled contract (and the test contract) against its own mock. */
Test(cli_fuzz_api, every_bundled_contract_against_its_mock_finds_nothing, .timeout = 400)
{
    static const struct {
        const char *file;
        double operations;
    } rows[] = {
        {SPEC_DIR "/connectparticipant.overlay.json", 11},
        {SPEC_DIR "/connectparticipant-2018-09-07.json", 11},
        {SPEC_DIR "/connectparticipant-2018-09-07.service-2.json", 11},
        {SPEC_DIR "/start-attachment-upload.json", 1},
        {SPEC_DIR "/start-attachment-upload.aws.json", 1},
        {CONFORM_SOURCE_DIR "/specs/examples/posts.suite.json",
         2}, /* getPost behind its sequence */
        {CF_ITEMS_CONTRACT, 2},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char dir[64];
        cf_test_tmpdir(dir, sizeof(dir));
        cJSON *s = campaign("mock", rows[i].file, dir, "9", "8", "20", "100000000", 0);
        assert_clean(s, rows[i].operations, rows[i].file);
        cJSON_Delete(s);
        cf_test_remove_tree(dir);
    }
}

/* ---- faults planted on the second operation --------------------------------------------- */

typedef struct {
    cf_items_fault fault;
    const char *name;
    const char *check; /* the finding that must be there, on getItem */
    long status;
    int generated; /* 1: `conform run`'s generated cases catch it too */
} planted;

static const planted faults[] = {
    {CF_ITEMS_5XX_ODD_PATH, "a 500 for an odd but valid path parameter", "expect.outcome", 500, 1},
    {CF_ITEMS_ACCEPT_BAD_VIEW, "an invalid query parameter accepted", "expect.outcome", 200, 1},
    {CF_ITEMS_NO_AUTH_OK, "a 200 without a credential", "expect.outcome", 200, 1},
    {CF_ITEMS_5XX_ODD_FULL, "a 500 only a mutant of two parameters reaches", "expect.outcome", 500,
     0},
};

static const cJSON *finding_with(const cJSON *summary, const char *op, const char *check,
                                 long status)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, get(summary, "findings"))
    {
        if (strcmp(get(f, "operation")->valuestring, op) == 0 &&
            strcmp(get(f, "check")->valuestring, check) == 0 && (long)num(f, "status") == status)
            return f;
    }
    return NULL;
}

/* `conform run --generate none` of FILE against url: its exit status, and whether its first case
 * failed `check` (report.json). */
static int run_file(const char *url, const char *file, const char *check, int *failed)
{
    char rdir[64];
    cf_test_tmpdir(rdir, sizeof(rdir));
    const char *args[] = {"run",          "--generate", "none", "--target", url,
                          "--report-dir", rdir,         file,   NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    int status = p.status;
    cr_assert(status == 0 || status == 1, "replay of %s: exit %d\n%s\n%s", file, status, p.out.ptr,
              p.err.ptr);
    cJSON *report = cf_test_load_report(rdir);
    const cJSON *c = cJSON_GetArrayItem(get(report, "cases"), 0);
    cr_assert_not_null(c, "no case replayed from %s", file);
    *failed = 0;
    const cJSON *k;
    cJSON_ArrayForEach(k, get(c, "checks"))
    {
        const cJSON *id = get(k, "id");
        *failed |= cJSON_IsString(id) && strcmp(id->valuestring, check) == 0 &&
                   cJSON_IsFalse(get(k, "passed"));
    }
    cJSON_Delete(report);
    cf_child_cleanup(&p);
    cf_test_remove_tree(rdir);
    return status;
}

/* `conform run --generate all` of the contract against url fails a generated getItem case on
 * `check`. */
static void assert_generated_cases_catch(const char *url, const planted *f)
{
    char rdir[64];
    cf_test_tmpdir(rdir, sizeof(rdir));
    const char *args[] = {"run",     "--target",        url, "--report-dir", rdir,
                          "--quiet", CF_ITEMS_CONTRACT, NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, 1, "%s: conform run exit %d\n%s\n%s", f->name, p.status, p.out.ptr,
                 p.err.ptr);
    cJSON *report = cf_test_load_report(rdir);
    const char *caught = NULL;
    const cJSON *c, *k;
    cJSON_ArrayForEach(c, get(report, "cases"))
    {
        const char *id = get(c, "id")->valuestring;
        cJSON_ArrayForEach(k, get(c, "checks"))
        {
            /* A passed check is listed by its id alone, a failed one as an object. */
            const cJSON *kid = get(k, "id");
            if (!caught && strncmp(id, "gen.getItem.", 12) == 0 && cJSON_IsString(kid) &&
                strcmp(kid->valuestring, f->check) == 0 && cJSON_IsFalse(get(k, "passed")))
                caught = id;
        }
    }
    cr_assert_not_null(caught, "%s: no generated getItem case failed %s\n%s", f->name, f->check,
                       p.out.ptr);
    cr_log_info("%s: caught by %s", f->name, caught);
    cJSON_Delete(report);
    cf_child_cleanup(&p);
    cf_test_remove_tree(rdir);
}

static void assert_found(const planted *f, const char *mock_url)
{
    cf_items_server *srv = cf_items_server_start(f->fault);
    const char *url = cf_items_server_url(srv);
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    cJSON *s = campaign(url, CF_ITEMS_CONTRACT, dir, "3", "4", "20", "30000", 1);
    const cJSON *fd = finding_with(s, "getItem", f->check, f->status);
    char *text = cJSON_Print(s);
    cr_assert_not_null(fd, "%s: no getItem %s finding with status %ld in\n%s", f->name, f->check,
                       f->status, text);
    free(text);
    cr_assert_gt(cf_items_server_applied(srv), 0);
    const char *id = get(fd, "id")->valuestring;
    char want[128];
    snprintf(want, sizeof want, "fuzz.getItem.%s.%ld", f->check, f->status);
    cr_assert_str_eq(id, want, "the id names the operation");
    /* What found it and when, for the README and the note (shown with --verbose). */
    cr_log_info("%s: found at request %.0f, %.0f ms, from %s", f->name, num(fd, "found_at_request"),
                num(fd, "found_at_ms"), get(fd, "origin")->valuestring);
    cr_assert_lt(num(fd, "found_at_ms"), 20000);
    /* The saved file replays: the same check fails against the faulty server, and nothing
     * fails against the conforming mock. */
    char file[512];
    snprintf(file, sizeof file, "%s/%s", dir, get(fd, "case_file")->valuestring);
    int failed = 0;
    cr_assert_eq(run_file(url, file, f->check, &failed), 1, "%s", file);
    cr_assert(failed, "the replay of %s did not fail %s", file, f->check);
    cr_assert_eq(run_file(mock_url, file, f->check, &failed), 0, "%s", file);
    char *saved = cf_test_slurp(dir, get(fd, "case_file")->valuestring);
    cJSON *doc = cJSON_Parse(saved);
    free(saved);
    cr_assert_eq(num(doc, "conform"), 2, "a suite v2 file");
    cr_assert_not_null(strstr(get(doc, "contract")->valuestring, "items.openapi.json"));
    cJSON_Delete(doc);
    char *curl = cf_test_slurp(dir, get(fd, "curl_file")->valuestring);
    cr_assert(curl && strncmp(curl, "curl ", 5) == 0, "%s", curl ? curl : "(none)");
    cr_assert_null(strstr(curl, CF_ITEMS_BEARER), "a secret in %s", curl);
    free(curl);
    if (f->generated)
        assert_generated_cases_catch(url, f);
    cJSON_Delete(s);
    cf_test_remove_tree(dir);
    cf_items_server_stop(srv);
}

Test(cli_fuzz_api, planted_faults_on_the_second_operation_are_found_and_replay, .timeout = 300)
{
    cf_child mock;
    char mock_url[64];
    serve(&mock, CF_ITEMS_CONTRACT, mock_url, sizeof mock_url);
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
        assert_found(&faults[i], mock_url);
    unserve(&mock);
}

/* ---- determinism ----------------------------------------------------------------------- */

/* The ids, the requests that found them and how, in order; then the campaign's figures. */
static char *fingerprint(const cJSON *summary)
{
    cf_buf b;
    cf_buf_init(&b, 1u << 20);
    const cJSON *f;
    cJSON_ArrayForEach(f, get(summary, "findings"))
    {
        cr_assert_eq(cf_buf_addf(&b, "%s@%.0f/%s\n", get(f, "id")->valuestring,
                                 num(f, "found_at_request"), get(f, "origin")->valuestring),
                     CF_OK);
    }
    static const char *const figures[] = {"requests",         "valid_requests", "skipped",
                                          "response_classes", "pool",           "setup_requests"};
    for (size_t i = 0; i < sizeof figures / sizeof figures[0]; i++)
        cr_assert_eq(cf_buf_addf(&b, "%s=%.0f\n", figures[i], num(summary, figures[i])), CF_OK);
    return cf_buf_take(&b);
}

/* Two campaigns of `spec` with one seed and --jobs 1, each against a server in the same state
 * (`fresh`: a new `conform serve` of the spec each time, since the mock remembers what it was
 * sent; else `url`), give the same fingerprint. */
static void assert_repeats(const char *url, int fresh, const char *spec, const char *max, int want)
{
    char *runs[2];
    for (int i = 0; i < 2; i++) {
        cf_child mock;
        char own[64];
        if (fresh)
            serve(&mock, spec, own, sizeof own);
        char dir[64];
        cf_test_tmpdir(dir, sizeof(dir));
        cJSON *s = campaign(fresh ? own : url, spec, dir, "42", "1", "60", max, want);
        runs[i] = fingerprint(s);
        cJSON_Delete(s);
        cf_test_remove_tree(dir);
        if (fresh)
            unserve(&mock);
    }
    cr_assert_str_eq(runs[0], runs[1], "%s", spec);
    free(runs[0]);
    free(runs[1]);
}

Test(cli_fuzz_api, one_seed_with_jobs_1_sends_the_same_campaign_twice, .timeout = 240)
{
    cf_items_server *srv = cf_items_server_start(CF_ITEMS_5XX_ODD_PATH);
    assert_repeats(cf_items_server_url(srv), 0, CF_ITEMS_CONTRACT, "1500", 1);
    cf_items_server_stop(srv);
    assert_repeats(NULL, 1, SERVICE, "3000", 0);
}
