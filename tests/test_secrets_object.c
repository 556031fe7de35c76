/* test_secrets_object.c - one cf_secrets: the literal-credential rule the runner and the mock
 * share, NAME=VALUE parsed once, variable precedence with the environment handed in, and
 * expect.consistent as a check. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/secrets.h"
#include "check/checks.h"
#include "cli_child.h"
#include "contract/vars.h"
#include "http/request.h"
#include "mock/internal.h"
#include "run_fixture.h"

static cf_suite *suite;
static const cf_spec *spec; /* suite->v1, what the mock serves */
static cf_secrets secrets;

static void load(void)
{
    suite = cf_test_load_suite(ENVELOPE_SPEC);
    spec = suite->v1;
    char err[256] = "";
    cr_assert_eq(cf_vars_resolve(spec, NULL, &secrets, err, sizeof(err)), CF_OK, "%s", err);
}

static void unload(void)
{
    cf_secrets_cleanup(&secrets);
    cf_suite_free(suite);
    suite = NULL;
    spec = NULL;
}

/* `text` redacted by `s`, as a new string. */
static char *masked(const cf_secrets *s, const char *text)
{
    char *out = cf_secrets_redact_dup(s, text, strlen(text), 1u << 16);
    cr_assert_not_null(out);
    return out;
}

/* ---- the literal-credential rule ----------------------------------------------------------- */

Test(secrets_object, a_literal_credential_no_secret_covers_is_masked, .init = load, .fini = unload,
     .timeout = 10)
{
    const char *bearer = cf_secrets_get(&secrets, "bearer");
    cr_assert_not_null(bearer);
    cf_secrets layer;
    cr_assert_eq(cf_secrets_with_credential(&secrets, "wrong-token-123", 15, &layer), CF_OK);
    char text[256];
    snprintf(text, sizeof(text), "sent wrong-token-123 and %s", bearer);
    char *out = masked(&layer, text);
    cr_expect_str_eq(out, "sent <redacted:credential> and <redacted:bearer>");
    free(out);
    cr_expect_str_eq(cf_secrets_get(&layer, "bearer"), bearer, "a layer reads its base's vars");
    cr_expect(cf_secrets_finds(&layer, "..wrong-token-123..", 19));
    cr_expect_not(cf_secrets_finds(&secrets, "..wrong-token-123..", 19), "the base is untouched");
    cf_secrets nested;
    cr_expect_eq(cf_secrets_with_credential(&layer, "x", 1, &nested), CF_E_INVALID);
    cf_secrets_cleanup(&layer);
}

Test(secrets_object, a_covered_or_short_credential_adds_nothing, .init = load, .fini = unload,
     .timeout = 10)
{
    const char *bearer = cf_secrets_get(&secrets, "bearer");
    cf_secrets layer;
    cr_assert_eq(cf_secrets_with_credential(&secrets, bearer, strlen(bearer), &layer), CF_OK);
    cr_expect_eq(layer.count, 0, "a secret variable keeps its own name");
    char *out = masked(&layer, bearer);
    cr_expect_str_eq(out, "<redacted:bearer>");
    free(out);
    cf_secrets_cleanup(&layer);
    cr_assert_eq(cf_secrets_with_credential(&secrets, "abc", 3, &layer), CF_OK);
    out = masked(&layer, "abc abc");
    cr_expect_str_eq(out, "abc abc", "three bytes would mangle every text");
    free(out);
    cf_secrets_cleanup(&layer);
    cr_assert_eq(cf_secrets_with_credential(&secrets, NULL, 0, &layer), CF_OK);
    cf_secrets_cleanup(&layer);
}

Test(secrets_object, a_layer_masks_exactly_as_a_copy_with_the_credential_would, .timeout = 10)
{
    /* The runner used to copy its redactor and add the credential: the layer must agree. */
    static const char *const creds[] = {"token-abcdefgh", "tok\"en-quoted-1", "shared-prefix-0"};
    static const char *const texts[] = {
        "a token-abcdefgh b", "{\"t\":\"tok\\\"en-quoted-1\"}", "shared-prefix-0123 shared-prefix",
        "shared-prefix-0 and shared-prefix-0123456789", "token-abcd (cut) X-Amz-Signature=abc"};
    cf_bindings vars = {0};
    cr_assert_eq(cf_bindings_set(&vars, "long", "shared-prefix-0123456789", 1), CF_OK);
    cr_assert_eq(cf_bindings_set(&vars, "plain", "not-a-secret", 0), CF_OK);
    cf_secrets base;
    cr_assert_eq(cf_secrets_init(&base, &vars), CF_OK);
    for (size_t c = 0; c < sizeof(creds) / sizeof(creds[0]); c++) {
        cf_secrets layer, copy;
        cr_assert_eq(cf_secrets_with_credential(&base, creds[c], strlen(creds[c]), &layer), CF_OK);
        cr_assert_eq(cf_secrets_init(&copy, &vars), CF_OK);
        if (!cf_secrets_finds(&base, creds[c], strlen(creds[c])))
            cr_assert_eq(cf_secrets_mask(&copy, "credential", creds[c]), CF_OK);
        cr_expect_eq(cf_secrets_longest(&layer), cf_secrets_longest(&copy));
        for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
            char *a = masked(&layer, texts[t]);
            char *b = masked(&copy, texts[t]);
            cr_expect_str_eq(a, b, "credential %s, text %s", creds[c], texts[t]);
            free(a);
            free(b);
        }
        cf_secrets_cleanup(&layer);
        cf_secrets_cleanup(&copy);
    }
    cf_secrets_cleanup(&base);
    cf_bindings_cleanup(&vars);
}

Test(secrets_object, the_mock_and_the_runner_mask_a_presented_credential_alike, .init = load,
     .fini = unload, .timeout = 10)
{
    cf_mock_opts o;
    cf_mock_opts_init(&o);
    o.spec = spec;
    o.secrets = &secrets;
    o.no_listen = 1;
    cf_mock *m = NULL;
    char err[256] = "";
    cr_assert_eq(cf_mock_start(&o, &m, err, sizeof(err)), CF_OK, "%s", err);
    const char *bearer = cf_secrets_get(&secrets, "bearer");
    static const char *const presented[] = {"literal-credential-42", "abc", NULL};
    for (size_t i = 0; i < sizeof(presented) / sizeof(presented[0]); i++) {
        const char *cred = presented[i] ? presented[i] : bearer;
        char text[256];
        snprintf(text, sizeof(text), "got %s with %s", cred, bearer);
        /* The mock's error message ... */
        outcome out;
        memset(&out, 0, sizeof(out));
        cf_mock_message_set(m, &out, cred, strlen(cred), "%s", text);
        /* ... and what the runner records for the same exchange. */
        cf_secrets layer;
        cr_assert_eq(cf_secrets_with_credential(&secrets, cred, strlen(cred), &layer), CF_OK);
        char *recorded = masked(&layer, text);
        cr_expect_str_eq(out.message, recorded, "presented %s", cred);
        cr_expect_null(strstr(out.message, bearer));
        free(recorded);
        cf_secrets_cleanup(&layer);
    }
    cf_mock_stop(m);
}

/* ---- NAME=VALUE, parsed once ---------------------------------------------------------------- */

Test(secrets_object, bad_name_value_pairs_say_why_without_the_value, .timeout = 10)
{
    char long_name[200];
    memset(long_name, 'n', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    char long_pair[260];
    snprintf(long_pair, sizeof(long_pair), "%s=s3cr3t-value", long_name);
    static const struct {
        const char *text;
        const char *why;
    } bad[] = {{"s3cr3t-value", "no '='"},
               {"=s3cr3t-value", "NAME before '=' is empty"},
               {NULL, "longer than 127 bytes"}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *text = bad[i].text ? bad[i].text : long_pair;
        char name[CF_VARS_NAME_MAX];
        const char *value = NULL;
        char err[256] = "";
        cr_expect_eq(cf_vars_parse("--var", text, name, sizeof(name), &value, err, sizeof(err)),
                     CF_E_USAGE, "%s", text);
        cr_expect_eq(strncmp(err, "--var expects NAME=VALUE", 24), 0, "%s", err);
        cr_expect_not_null(strstr(err, bad[i].why), "%s", err);
        cr_expect_null(strstr(err, "s3cr3t"), "the value leaked: %s", err);
        cr_expect_null(strstr(err, "nnnn"), "the text leaked: %s", err);
    }
    char name[CF_VARS_NAME_MAX];
    const char *value = NULL;
    char err[64] = "";
    cr_assert_eq(cf_vars_parse("--var", "a=b=c", name, sizeof(name), &value, err, sizeof(err)),
                 CF_OK);
    cr_expect_str_eq(name, "a");
    cr_expect_str_eq(value, "b=c");
}

Test(secrets_object, the_cli_refuses_a_bad_var_without_echoing_it, .timeout = 30)
{
    static const char *const args[] = {"run", "--var", "s3cr3t-value", ENVELOPE_SPEC, NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_expect_eq(p.status, 2);
    cr_expect_not_null(strstr(cf_buf_str(&p.err), "--var expects NAME=VALUE"), "%s",
                       cf_buf_str(&p.err));
    cr_expect_null(strstr(cf_buf_str(&p.err), "s3cr3t"), "%s", cf_buf_str(&p.err));
    cr_expect_null(strstr(cf_buf_str(&p.out), "s3cr3t"), "%s", cf_buf_str(&p.out));
    cf_child_cleanup(&p);
}

/* ---- precedence: --var over CONFORM_VAR_<NAME> over the default ---------------------------- */

static const char *resolved(const cf_vars_sources *src, cf_secrets *out)
{
    char err[256] = "";
    cr_assert_eq(cf_vars_resolve(spec, src, out, err, sizeof(err)), CF_OK, "%s", err);
    return cf_secrets_get(out, "bearer");
}

Test(secrets_object, var_beats_environment_beats_default, .init = load, .fini = unload,
     .timeout = 10)
{
    static const char *const over[] = {"bearer=from-var-1", "bearer=from-var-2"};
    static const char *const env[] = {"CONFORM_VAR_REGION=eu-west-1",
                                      "CONFORM_VAR_BEARER=from-env-1",
                                      "CONFORM_VAR_BEARER=from-env-2", "CONFORM_VAR_bearer=lower"};
    cf_secrets s = {0};
    cr_expect_str_eq(resolved(NULL, &s), "conform-demo-connection-token-a", "the default");
    cf_vars_sources only_env = {NULL, 0, env, 4};
    cr_expect_str_eq(resolved(&only_env, &s), "from-env-1", "the environment, first entry");
    cr_expect_str_eq(cf_secrets_get(&s, "region"), "eu-west-1");
    cf_vars_sources both = {over, 2, env, 4};
    cr_expect_str_eq(resolved(&both, &s), "from-var-2", "--var, last one given");
    cf_vars_sources only_var = {over, 1, NULL, 0};
    cr_expect_str_eq(resolved(&only_var, &s), "from-var-1");
    char *out = masked(&s, "from-var-1");
    cr_expect_str_eq(out, "<redacted:bearer>", "a secret from --var is masked");
    free(out);
    cf_secrets_cleanup(&s);
}

/* `conform run` of positive.example against `url` with `env` and maybe a --var; its exit
 * status. The report must not hold the credential. */
static int cli_run(const char *url, const char *const *env, const char *var)
{
    char dir[256];
    cf_test_tmpdir(dir, sizeof(dir));
    const char *args[] = {"run", "--quiet",  "--filter", "positive.example", "--report-dir",
                          dir,   "--target", url,        ENVELOPE_SPEC,      var ? "--var" : NULL,
                          var,   NULL};
    cf_child p;
    cf_child_run(&p, NULL, env, args);
    int status = p.status;
    char *report = cf_test_slurp(dir, "report.json");
    cr_assert_not_null(report, "%s", cf_buf_str(&p.err));
    cr_expect_null(strstr(report, "cli-bearer-0123456789"), "the credential is masked");
    free(report);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
    return status;
}

Test(secrets_object, the_cli_hands_the_environment_in_under_var, .timeout = 90)
{
    /* A server that accepts only this credential: the run passes only when the CLI sends it. */
    static const char *const vars[] = {"bearer=cli-bearer-0123456789"};
    char err[512] = "";
    cf_fault_proxy_opts po = {ENVELOPE_SPEC, NULL, vars, 1};
    cf_fault_proxy *fp = cf_fault_proxy_start(&po, err, sizeof(err));
    cr_assert_not_null(fp, "%s", err);
    const char *url = cf_fault_proxy_url(fp);
    static const char *const right[] = {"CONFORM_VAR_BEARER=cli-bearer-0123456789", NULL};
    static const char *const wrong[] = {"CONFORM_VAR_BEARER=not-the-bearer-987654", NULL};
    cr_expect_eq(cli_run(url, NULL, NULL), 1, "the spec's default is refused");
    cr_expect_eq(cli_run(url, right, NULL), 0, "CONFORM_VAR_BEARER beats the default");
    cr_expect_eq(cli_run(url, wrong, NULL), 1);
    cr_expect_eq(cli_run(url, wrong, "bearer=cli-bearer-0123456789"), 0, "--var beats the env");
    cr_expect_eq(cli_run(url, right, "bearer=not-the-bearer-987654"), 1, "--var beats the env");
    cf_fault_proxy_stop(fp);
}

/* ---- expect.consistent, a check of check/ -------------------------------------------------- */

/* n responses whose success bodies are `bodies` (NULL: an error answer). */
static void responses_of(cf_response *r, const cf_response **ptrs, const char *const *bodies,
                         size_t n)
{
    for (size_t i = 0; i < n; i++) {
        memset(&r[i], 0, sizeof(r[i]));
        r[i].envelope = bodies[i] ? CF_ENVELOPE_SUCCESS : CF_ENVELOPE_ERROR;
        r[i].json = bodies[i] ? cJSON_Parse(bodies[i]) : NULL;
        ptrs[i] = &r[i];
    }
}

static const cf_check_result *consistent(const char *const *bodies, size_t n, const char *check,
                                         cf_run_result *run)
{
    cf_case_result *out = cf_run_result_add_case(run);
    cr_assert_not_null(out);
    cJSON *members = cJSON_Parse("[\"/Id\"]");
    cf_step st = {.name = "create", .parallel = (unsigned)n, .consistent = members, .check = check};
    cf_response r[4];
    const cf_response *ptrs[4];
    responses_of(r, ptrs, bodies, n);
    cr_assert_eq(cf_checks_consistent(&st, ptrs, n, &secrets, out), CF_OK);
    for (size_t i = 0; i < n; i++)
        cJSON_Delete(r[i].json);
    cJSON_Delete(members);
    cr_assert_eq(out->check_count, 1);
    return &out->checks[0];
}

Test(secrets_object, consistent_holds_when_every_success_agrees, .init = load, .fini = unload,
     .timeout = 10)
{
    static const char *const bodies[] = {"{\"Id\":\"a\"}", NULL, "{\"Id\":\"a\"}"};
    cf_run_result run = {0};
    const cf_check_result *c = consistent(bodies, 3, NULL, &run);
    cr_expect_str_eq(c->id, "expect.consistent");
    cr_expect(c->passed);
    cr_expect_str_eq(c->expected, "/Id identical in all 2 successful copies");
    cr_expect_null(c->actual);
    cr_expect_str_eq(c->step, "create");
    cf_run_result_cleanup(&run);
}

Test(secrets_object, consistent_fails_and_says_what_each_copy_answered, .init = load,
     .fini = unload, .timeout = 10)
{
    char leaked[128];
    snprintf(leaked, sizeof(leaked), "{\"Id\":\"%s\"}", cf_secrets_get(&secrets, "bearer"));
    const char *const bodies[] = {"{\"Id\":\"a\"}", leaked, "{}"};
    cf_run_result run = {0};
    const cf_check_result *c = consistent(bodies, 3, "idempotency.replay-identical", &run);
    cr_expect_str_eq(c->id, "idempotency.replay-identical");
    cr_expect_not(c->passed);
    cr_expect_str_eq(c->expected, "/Id identical in all 3 successful copies");
    cr_expect_str_eq(c->actual, "create#1=a create#2=<redacted:bearer> create#3=(absent) ");
    cf_run_result_cleanup(&run);
}

/* ---- the idempotency token comes from the request model ------------------------------------ */

static cf_rc fixed_token(void *user, const char *name, const char *arg, cf_buf *out)
{
    (void)user;
    (void)arg;
    return strcmp(name, "token") == 0 ? cf_buf_adds(out, "tok-fixed-1") : CF_E_NOT_FOUND;
}

Test(secrets_object, the_request_records_its_idempotency_token, .init = load, .fini = unload,
     .timeout = 10)
{
    const cf_case *with = NULL, *without = NULL;
    for (size_t i = 0; i < suite->case_count; i++) {
        if (strcmp(suite->cases[i].id, "positive.example") == 0)
            with = &suite->cases[i];
        if (strcmp(suite->cases[i].id, "ClientToken.missing") == 0)
            without = &suite->cases[i];
    }
    cr_assert(with && without);
    cf_tmpl_ctx ctx = {cf_secrets_vars(&secrets), NULL, fixed_token, NULL};
    cf_request q;
    char err[256] = "";
    cr_assert_eq(cf_request_build(suite->api, &with->steps[0], "http://127.0.0.1:1", &ctx, &q, err,
                                  sizeof(err)),
                 CF_OK, "%s", err);
    cr_assert_not_null(q.idem_token);
    cr_expect_not_null(strstr(q.body, q.idem_token), "the token is the body's");
    cf_request_cleanup(&q);
    cr_assert_eq(cf_request_build(suite->api, &without->steps[0], "http://127.0.0.1:1", &ctx, &q,
                                  err, sizeof(err)),
                 CF_OK, "%s", err);
    cr_expect_null(q.idem_token);
    cf_request_cleanup(&q);
}
