/* test_gen_cases.c - generated items as cases of a v1 file's contract (gen/cases.h, through
 * cf_api_from_spec): ids, tags, expectations, fresh tokens, escaped braces, caps, the keep hook,
 * determinism per seed. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/utf8.h"
#include "gen/cases.h"
#include "suite/suite.h"

#define DIR CONFORM_SOURCE_DIR "/specs/connect-participant/"
#define SPEC DIR "start-attachment-upload.json"
#define AWS DIR "start-attachment-upload.aws.json"
#define OP "gen.StartAttachmentUpload."

/* A v1 file's contract and hand-written cases, and the cases generated from it. */
typedef struct {
    cf_suite *suite;
    cf_gen_cases g;
} gen_run;

static gen_run *generated(const char *file, cf_gen_cases_mode mode, uint64_t seed, size_t max,
                          cf_gen_cases_stats *st)
{
    cf_diags d;
    cf_diags_init(&d);
    gen_run *r = calloc(1, sizeof(*r));
    cr_assert_not_null(r);
    cr_assert_eq(cf_suite_load_file(file, &r->suite, &d), CF_OK, "%s", file);
    cf_diags_cleanup(&d);
    cf_gen_cases_opts o = {mode, seed, max, NULL, NULL};
    cr_assert_eq(cf_gen_cases_build(r->suite->api, &o, &r->g, st), CF_OK);
    return r;
}

static void run_free(gen_run *r)
{
    cf_gen_cases_cleanup(&r->g);
    cf_suite_free(r->suite);
    free(r);
}

static char *listing(const gen_run *r)
{
    cf_buf b;
    cf_buf_init(&b, 64u * 1024u * 1024u);
    cr_assert_eq(cf_gen_cases_write(&r->g, &b), CF_OK);
    char *s = cf_buf_take(&b);
    cr_assert_not_null(s);
    return s;
}

static const cf_case *find(const gen_run *r, const char *id)
{
    for (size_t i = 0; i < r->g.count; i++)
        if (strcmp(r->g.cases[i].id, id) == 0)
            return &r->g.cases[i];
    cr_assert_fail("no case %s", id);
    return NULL;
}

static int has_tag(const cf_case *c, const char *tag)
{
    for (size_t i = 0; i < c->tag_count; i++)
        if (strcmp(c->tags[i], tag) == 0)
            return 1;
    return 0;
}

Test(gen_cases, same_spec_and_seed_give_byte_identical_case_lists, .timeout = 30)
{
    for (int aws = 0; aws <= 1; aws++) {
        cf_gen_cases_stats a, b, c;
        gen_run *s1 = generated(aws ? AWS : SPEC, CF_GEN_CASES_ALL, 7, 0, &a);
        gen_run *s2 = generated(aws ? AWS : SPEC, CF_GEN_CASES_ALL, 7, 0, &b);
        gen_run *s3 = generated(aws ? AWS : SPEC, CF_GEN_CASES_ALL, 8, 0, &c);
        char *l1 = listing(s1), *l2 = listing(s2), *l3 = listing(s3);
        cr_expect_gt(a.added, 100);
        cr_expect_eq(a.added, b.added);
        cr_expect_eq(a.dropped, 0, "the validator disagreed with %zu items", a.dropped);
        cr_expect_str_eq(l1, l2);
        /* Another seed changes values, never the case list. */
        cr_expect_str_neq(l1, l3);
        cr_expect_eq(c.added, a.added);
        for (size_t i = 0; i < s1->g.count; i++)
            cr_expect_str_eq(s1->g.cases[i].id, s3->g.cases[i].id);
        free(l1);
        free(l2);
        free(l3);
        run_free(s1);
        run_free(s2);
        run_free(s3);
    }
}

Test(gen_cases, ids_tags_and_expectations, .timeout = 30)
{
    cf_gen_cases_stats st;
    gen_run *r = generated(SPEC, CF_GEN_CASES_ALL, 1, 0, &st);
    cr_assert_eq(r->g.count, st.added);
    cr_expect_eq(st.operations, 1);
    const cf_case *c = find(r, OP "AttachmentName.maxLength+1");
    cr_expect(has_tag(c, "generated") && has_tag(c, "negative"));
    cr_expect_eq(c->step_count, 1);
    cr_expect_eq(c->steps[0].op, &r->suite->api->operations[0], "the step names its operation");
    cr_expect_str_eq(c->steps[0].operation, "StartAttachmentUpload");
    cr_expect_eq(c->steps[0].outcome, CF_OUTCOME_ERROR);
    cr_expect_eq(c->steps[0].role, CF_API_ROLE_VALIDATION);
    cr_expect_str_eq(c->steps[0].code, "VALIDATION_ERROR");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(c->steps[0].body, "AttachmentName");
    cr_expect_eq(cf_utf8_length(name->valuestring, strlen(name->valuestring)), 257);

    c = find(r, OP "AttachmentName.emoji.max");
    cr_expect(has_tag(c, "generated") && has_tag(c, "boundary"));
    cr_expect_eq(c->steps[0].outcome, CF_OUTCOME_SUCCESS);
    cr_expect_eq(c->steps[0].role, CF_API_ROLE_NONE);
    /* A valid body gets a fresh token, as a hand-written case would write it. */
    cr_expect_str_eq(cf_json_pointer(c->steps[0].body, "/ClientToken")->valuestring, "{$token}");

    c = find(r, OP "ClientToken.maxLength");
    cr_expect(has_tag(c, "positive"));
    const char *tok = cf_json_pointer(c->steps[0].body, "/ClientToken")->valuestring;
    cr_expect_eq(strlen(tok), 500, "an item about the token keeps its value");
    cr_expect_eq(c->steps[0].allow_count, 1, "a fixed token may meet itself in flight");

    c = find(r, OP "Body.raw.unclosed");
    cr_expect_str_eq(c->steps[0].raw_body, "{{", "'{' is escaped for the template engine");
    cr_expect_str_eq(c->steps[0].code, "VALIDATION_ERROR");

    c = find(r, OP "content-type.unsupported");
    cr_expect_str_eq(
        cJSON_GetObjectItemCaseSensitive(c->steps[0].headers, "Content-Type")->valuestring,
        "text/plain");
    cr_expect_eq(c->steps[0].role, CF_API_ROLE_VALIDATION, "no 415 listed: the validation role");
    cr_expect_null(c->steps[0].body, "the example body, in a type the operation does not take");

    c = find(r, OP "auth.missing");
    cr_expect_str_eq(c->steps[0].code, "ACCESS_DENIED");
    cr_expect_eq(c->steps[0].role, CF_API_ROLE_AUTH);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(c->steps[0].headers, "X-Amz-Bearer")));
    c = find(r, OP "auth.unknown");
    cr_expect_str_eq(
        cJSON_GetObjectItemCaseSensitive(c->steps[0].headers, "X-Amz-Bearer")->valuestring,
        "conform-unknown-credential");
    run_free(r);
}

Test(gen_cases, braces_in_generated_strings_are_escaped, .timeout = 30)
{
    cf_gen_cases_stats st;
    gen_run *r = generated(SPEC, CF_GEN_CASES_ALL, 1, 0, &st);
    const cf_case *c = find(r, OP "AttachmentName.json-meta.max");
    const char *v = cf_json_pointer(c->steps[0].body, "/AttachmentName")->valuestring;
    for (const char *p = strchr(v, '{'); p; p = strchr(p + 2, '{'))
        cr_assert_eq(p[1], '{', "a lone '{' would be read as a placeholder: %s", v);
    cr_expect_not_null(strchr(v, '{'), "json-meta holds braces: %s", v);
    run_free(r);
}

Test(gen_cases, positive_mode_cap_and_none, .timeout = 30)
{
    cf_gen_cases_stats all, pos, cap, none;
    gen_run *a = generated(SPEC, CF_GEN_CASES_ALL, 1, 0, &all);
    gen_run *p = generated(SPEC, CF_GEN_CASES_POSITIVE, 1, 0, &pos);
    gen_run *c = generated(SPEC, CF_GEN_CASES_ALL, 1, 10, &cap);
    gen_run *n = generated(SPEC, CF_GEN_CASES_NONE, 1, 0, &none);
    cr_expect_lt(pos.added, all.added);
    for (size_t i = 0; i < p->g.count; i++) {
        cr_expect_eq(p->g.cases[i].steps[0].outcome, CF_OUTCOME_SUCCESS, "%s", p->g.cases[i].id);
        cr_expect(!has_tag(&p->g.cases[i], "negative"), "%s", p->g.cases[i].id);
    }
    cr_expect_eq(cap.added, 10);
    cr_expect_eq(cap.capped, all.added - 10);
    for (size_t i = 0; i < 10; i++)
        cr_expect_str_eq(c->g.cases[i].id, a->g.cases[i].id, "the cap keeps the first");
    cr_expect_eq(none.added, 0);
    cr_expect_eq(n->g.count, 0);
    cr_expect_null(n->g.nodes);
    run_free(a);
    run_free(p);
    run_free(c);
    run_free(n);
}

static int drop_auth(void *user, const cf_api *api, const cf_case *c)
{
    (void)api;
    ++*(int *)user;
    return strstr(c->id, ".auth.") == NULL;
}

Test(gen_cases, the_keep_hook_drops_cases, .timeout = 30)
{
    cf_diags d;
    cf_diags_init(&d);
    cf_suite *suite = NULL;
    cr_assert_eq(cf_suite_load_file(SPEC, &suite, &d), CF_OK);
    int asked = 0;
    cf_gen_cases_opts o = {CF_GEN_CASES_ALL, 1, 0, drop_auth, &asked};
    cf_gen_cases_stats st;
    cf_gen_cases g = {0};
    cr_assert_eq(cf_gen_cases_build(suite->api, &o, &g, &st), CF_OK);
    cr_expect_eq(st.duplicates, 3);
    cr_expect_eq((size_t)asked, st.added + 3);
    for (size_t i = 0; i < g.count; i++)
        cr_expect_null(strstr(g.cases[i].id, "gen.StartAttachmentUpload.auth."));
    cf_buf b;
    cf_buf_init(&b, 64u * 1024u * 1024u);
    cr_assert_eq(cf_gen_cases_write(&g, &b), CF_OK);
    cr_expect_null(strstr(cf_buf_str(&b), ".auth."), "dropped cases are not listed");
    cf_buf_free(&b);
    /* Handed to the suite: appended after the hand-written cases, which keep their places. */
    size_t written = suite->case_count, added = g.count;
    cr_assert_eq(cf_gen_cases_move(&g, &suite->cases, &suite->case_count, &suite->generated),
                 CF_OK);
    cr_expect_eq(suite->case_count, written + added);
    cr_expect_eq(g.count, 0);
    cr_expect_eq(suite->cases[written].index, written);
    cr_expect_eq(strncmp(suite->cases[written].id, "gen.", 4), 0);
    cf_suite_free(suite);
    cf_diags_cleanup(&d);
}
