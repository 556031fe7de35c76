/* test_cli_serve.c - `conform serve` as a child process: bad flags, listening, answering,
 * stopping on SIGTERM, and where variable values come from (--var, then CONFORM_VAR_<NAME>,
 * then the spec's default). */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_child.h"
#include "base/json.h"
#include "mock_fixture.h"

#define ENVELOPE CF_TEST_SPEC_DIR "start-attachment-upload.json"
#define DEFAULT_BEARER "conform-demo-connection-token-a" /* the envelope spec's default */
#define LISTEN_MS 10000u /* how long serve may take to say it listens */

/* `conform serve` on any free port, and the mock fixture's view of it (only url is set). */
typedef struct {
    cf_child child;
    cf_test_mock mock;
} serving;

/* Starts serve on `file` (NULL: given in `extra`) with `extra` arguments (NULL-terminated, may be
 * NULL) and `env`, and waits until it says where it listens; s->mock.url is the
 * StartAttachmentUpload URL. */
static void serve_file(serving *s, const char *file, const char *const *env,
                       const char *const *extra)
{
    const char *args[24] = {"serve", "--port", "0", file};
    size_t n = file ? 4 : 3;
    for (; extra && *extra && n + 1 < sizeof(args) / sizeof(args[0]); extra++)
        args[n++] = *extra;
    args[n] = NULL;
    cf_child_start(&s->child, NULL, env, args);
    cf_child_await(&s->child, "listening on ", LISTEN_MS);
    const char *line = strstr(cf_buf_str(&s->child.out), "listening on ");
    cr_assert_not_null(line, "'listening on' not on stdout: %s", cf_buf_str(&s->child.out));
    unsigned port = 0;
    cr_assert_eq(sscanf(line, "listening on http://127.0.0.1:%u", &port), 1, "line: %s", line);
    cr_assert_gt(port, 0);
    memset(&s->mock, 0, sizeof(s->mock));
    snprintf(s->mock.url, sizeof(s->mock.url),
             "http://127.0.0.1:%u/participant/start-attachment-upload", port);
}

/* The envelope spec, given with --spec (the older spelling of FILE). */
static void serve_start(serving *s, const char *const *env, const char *const *extra)
{
    const char *args[24] = {"--spec", ENVELOPE};
    size_t n = 2;
    for (; extra && *extra && n + 1 < sizeof(args) / sizeof(args[0]); extra++)
        args[n++] = *extra;
    args[n] = NULL;
    serve_file(s, NULL, env, args);
}

/* SIGTERM, then: serve says it stopped right after the line that said it listens, exit 0. */
static void serve_stop(serving *s)
{
    cr_assert_eq(kill(s->child.pid, SIGTERM), 0);
    cf_child_finish(&s->child);
    const char *line = strstr(s->child.out.ptr, "listening on ");
    cr_assert_not_null(line);
    const char *next = strchr(line, '\n');
    cr_assert_not_null(next, "stdout: %s", s->child.out.ptr);
    cr_assert(strncmp(next + 1, "stopped", 7) == 0, "line: %s", next + 1);
    cr_assert_eq(s->child.status, 0, "status %d, stderr %s", s->child.status, s->child.err.ptr);
    cf_child_cleanup(&s->child);
}

/* The HTTP status of a valid request with that credential. */
static long status_with(const serving *s, const char *bearer)
{
    char *tok = cf_test_token_lit("cli");
    cf_test_reply r;
    cf_test_mock_post_valid(&s->mock, bearer, tok, &r);
    long status = r.status;
    cf_test_reply_free(&r);
    free(tok);
    return status;
}

Test(cli_serve, serve_rejects_bad_flags_with_status_2, .timeout = 20)
{
    static const struct {
        const char *args[8];
        const char *says;
    } cases[] = {
        {{"serve", NULL}, "FILE is required"},
        {{"serve", "--spec", CF_TEST_SPEC_DIR "start-attachment-upload.json", "--fault", "jitter=3",
          NULL},
         "unknown fault 'jitter'"},
        {{"serve", "--spec", CF_TEST_SPEC_DIR "start-attachment-upload.json", "--fault",
          "error-rate=2", NULL},
         "probability"},
        {{"serve", "--spec", CF_TEST_SPEC_DIR "start-attachment-upload.json",
          "--fault=throttle=abc", NULL},
         "per second"},
        {{"serve", "--spec", CF_TEST_SPEC_DIR "start-attachment-upload.json", "--port", "70000",
          NULL},
         "0..65535"},
        {{"serve", "--spec", CF_TEST_SPEC_DIR "start-attachment-upload.json", "--port", NULL},
         "needs a value"},
        {{"serve", "--spec", CF_TEST_SPEC_DIR "start-attachment-upload.json", "--frobnicate", NULL},
         "unknown option --frobnicate"},
        {{"serve", "--spec", CF_TEST_SPEC_DIR "start-attachment-upload.json", "--var", "nope",
          NULL},
         "NAME=VALUE"},
        {{"serve", "--spec", CF_TEST_SPEC_DIR "start-attachment-upload.json", "--fault",
          "error-rate=1:NOT_IN_CATALOGUE", "--port", "0", NULL},
         "NOT_IN_CATALOGUE"},
        {{"serve", "--spec", CF_TEST_SPEC_DIR "no-such-spec.json", NULL}, "no-such-spec.json"},
        {{"serve", CF_TEST_SPEC_DIR "start-attachment-upload.json", CF_TEST_PETS, NULL},
         "two files"},
        {{"serve", CONFORM_SOURCE_DIR "/tests", NULL}, "has neither"},
        {{"serve", CF_TEST_PETS, "--var", "nope=1", NULL}, "declares no variable nope"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cf_child r;
        cf_child_run(&r, NULL, NULL, cases[i].args);
        cr_assert_eq(r.status, 2, "case %zu: exit %d, stderr %s", i, r.status, r.err.ptr);
        cr_assert_not_null(strstr(r.err.ptr, cases[i].says), "case %zu: stderr '%s'", i, r.err.ptr);
        cf_child_cleanup(&r);
    }
    cf_child r;
    const char *help[] = {"serve", "--help", NULL};
    cf_child_run(&r, NULL, NULL, help);
    cr_assert_eq(r.status, 0);
    cr_assert_not_null(strstr(r.out.ptr, "--fault"));
    cf_child_cleanup(&r);
}

Test(cli_serve, serve_listens_answers_and_stops_on_sigterm, .timeout = 20)
{
    serving s;
    const char *extra[] = {"--var", "bearer=serve-test-token-1", "--fault", "latency=1", NULL};
    serve_start(&s, NULL, extra);
    cf_child_await(&s.child, "fault: latency 1 ms", LISTEN_MS); /* said on stderr */
    char *tok = cf_test_token_lit("cli");
    cf_test_reply r;
    cf_test_mock_post_valid(&s.mock, "serve-test-token-1", tok, &r);
    cr_assert_eq(r.status, 200, "body %s", cf_buf_str(&r.body));
    cf_test_reply_free(&r);
    cf_test_mock_post_valid(&s.mock, DEFAULT_BEARER, tok, &r);
    cr_assert_eq(r.status, 403, "the --var replaced the default credential");
    cf_test_reply_free(&r);
    free(tok);
    serve_stop(&s);
}

/* One row: the environment, the --var given, the credential serve accepts and the ones it
 * must refuse. A bare NAME in env removes it, so the default case holds wherever it runs. */
static const struct {
    const char *env;
    const char *var; /* NULL: no --var */
    const char *accepted;
    const char *refused[2];
} precedence[] = {
    {"CONFORM_VAR_BEARER", NULL, DEFAULT_BEARER, {"precedence-env", "precedence-var"}},
    {"CONFORM_VAR_BEARER=precedence-env",
     NULL,
     "precedence-env",
     {DEFAULT_BEARER, "precedence-var"}},
    {"CONFORM_VAR_BEARER=precedence-env",
     "bearer=precedence-var",
     "precedence-var",
     {DEFAULT_BEARER, "precedence-env"}},
    {"CONFORM_VAR_BEARER",
     "bearer=precedence-var",
     "precedence-var",
     {DEFAULT_BEARER, "precedence-env"}},
};

Test(cli_serve, variables_come_from_var_then_environment_then_default, .timeout = 60)
{
    for (size_t i = 0; i < sizeof(precedence) / sizeof(precedence[0]); i++) {
        serving s;
        const char *env[] = {precedence[i].env, NULL};
        const char *extra[] = {precedence[i].var ? "--var" : NULL, precedence[i].var, NULL};
        serve_start(&s, env, extra);
        cr_assert_eq(status_with(&s, precedence[i].accepted), 200, "row %zu: %s refused", i,
                     precedence[i].accepted);
        for (size_t k = 0; k < 2; k++)
            cr_assert_eq(status_with(&s, precedence[i].refused[k]), 403,
                         "row %zu: %s was not refused", i, precedence[i].refused[k]);
        serve_stop(&s);
    }
}

/* A folder is served through its overlay (or service.json) with every operation; a plain
 * OpenAPI document as the positional FILE. */
Test(cli_serve, serve_takes_a_folder_or_any_contract, .timeout = 30)
{
    serving s;
    serve_file(&s, CF_TEST_SPEC_DIR, NULL, NULL);
    cr_assert_not_null(strstr(cf_buf_str(&s.child.err), "serving 11 operations"), "stderr: %s",
                       cf_buf_str(&s.child.err));
    char url[256];
    snprintf(url, sizeof(url), "%.*s/participant/connection",
             (int)(strstr(s.mock.url, "/participant") - s.mock.url), s.mock.url);
    const char *headers[] = {"X-Amz-Bearer: conform-demo-participant-token-b",
                             "Content-Type: application/json"};
    cf_test_request q = {.url = url, .headers = headers, .header_count = 2, .body = "{}"};
    cf_test_reply r;
    cr_assert_eq(cf_test_http_send(&q, &r), 0);
    cr_assert_eq(r.status, 200, "%s", cf_buf_str(&r.body));
    cr_assert_not_null(cf_json_pointer(r.json, "/ConnectionCredentials/ConnectionToken"));
    cf_test_reply_free(&r);
    serve_stop(&s);

    serve_file(&s, CF_TEST_PETS, NULL, NULL);
    snprintf(url, sizeof(url), "%.*s/health",
             (int)(strstr(s.mock.url, "/participant") - s.mock.url), s.mock.url);
    cf_test_request h = {.url = url};
    cr_assert_eq(cf_test_http_send(&h, &r), 0);
    cr_assert_eq(r.status, 200, "%s", cf_buf_str(&r.body));
    cf_test_reply_free(&r);
    serve_stop(&s);
}

/* `conform run --target mock` starts the same mock for any contract: the worked example of
 * specs/README.md (an OpenAPI document and its suite) passes against it. */
Test(cli_serve, run_target_mock_serves_a_suite_contract, .timeout = 60)
{
    char dir[256];
    cf_test_tmpdir(dir, sizeof(dir));
    const char *args[] = {
        "run",        "--target", "mock",
        "--generate", "none",     "--report-dir",
        dir,          "--quiet",  CONFORM_SOURCE_DIR "/specs/examples/posts.suite.json",
        NULL};
    cf_child r;
    cf_child_run(&r, NULL, NULL, args);
    cr_assert_eq(r.status, 0, "exit %d: %s %s", r.status, cf_buf_str(&r.out), cf_buf_str(&r.err));
    cr_assert_not_null(strstr(cf_buf_str(&r.out), "2 passed, 0 failed"), "%s", cf_buf_str(&r.out));
    cf_child_cleanup(&r);
    cf_test_remove_tree(dir);
}
