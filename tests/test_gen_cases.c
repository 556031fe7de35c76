/* test_gen_cases.c - generated items as spec cases (gen/cases.h): ids, tags, expectations,
 * fresh tokens, escaped braces, caps, the keep hook, determinism per seed. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/utf8.h"
#include "gen/cases.h"

#define DIR CONFORM_SOURCE_DIR "/specs/connect-participant/"
#define SPEC DIR "start-attachment-upload.json"
#define AWS DIR "start-attachment-upload.aws.json"
#define OP "gen.StartAttachmentUpload."

static cf_spec *load(const char *file)
{
    cf_diags d;
    cf_diags_init(&d);
    cf_spec *spec = NULL;
    cr_assert_eq(cf_spec_load_file(file, &spec, &d), CF_OK, "%s", file);
    cf_diags_cleanup(&d);
    return spec;
}

static cf_spec *generated(const char *file, cf_gen_cases_mode mode, uint64_t seed, size_t max,
                          cf_gen_cases_stats *st)
{
    cf_spec *spec = load(file);
    cf_gen_cases_opts o = {mode, seed, max, NULL, NULL};
    cr_assert_eq(cf_gen_cases_add(spec, &o, st), CF_OK);
    return spec;
}

static char *listing(const cf_spec *spec)
{
    cf_buf b;
    cf_buf_init(&b, 64u * 1024u * 1024u);
    cr_assert_eq(cf_gen_cases_write(spec, &b), CF_OK);
    char *s = cf_buf_take(&b);
    cr_assert_not_null(s);
    return s;
}

static const cf_case *find(const cf_spec *spec, const char *id)
{
    for (size_t i = 0; i < spec->case_count; i++)
        if (strcmp(spec->cases[i].id, id) == 0)
            return &spec->cases[i];
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
        cf_spec *s1 = generated(aws ? AWS : SPEC, CF_GEN_CASES_ALL, 7, 0, &a);
        cf_spec *s2 = generated(aws ? AWS : SPEC, CF_GEN_CASES_ALL, 7, 0, &b);
        cf_spec *s3 = generated(aws ? AWS : SPEC, CF_GEN_CASES_ALL, 8, 0, &c);
        char *l1 = listing(s1), *l2 = listing(s2), *l3 = listing(s3);
        cr_expect_gt(a.added, 100);
        cr_expect_eq(a.added, b.added);
        cr_expect_eq(a.dropped, 0, "the validator disagreed with %zu items", a.dropped);
        cr_expect_str_eq(l1, l2);
        /* Another seed changes values, never the case list. */
        cr_expect_str_neq(l1, l3);
        cr_expect_eq(c.added, a.added);
        for (size_t i = 0; i < s1->case_count; i++)
            cr_expect_str_eq(s1->cases[i].id, s3->cases[i].id);
        free(l1);
        free(l2);
        free(l3);
        cf_spec_free(s1);
        cf_spec_free(s2);
        cf_spec_free(s3);
    }
}

Test(gen_cases, ids_tags_and_expectations, .timeout = 30)
{
    cf_gen_cases_stats st;
    cf_spec *spec = generated(SPEC, CF_GEN_CASES_ALL, 1, 0, &st);
    cr_assert_eq(spec->case_count, 84 + st.added);
    const cf_case *c = find(spec, OP "AttachmentName.maxLength+1");
    cr_expect(has_tag(c, "generated") && has_tag(c, "negative"));
    cr_expect_eq(c->step_count, 1);
    cr_expect_eq(c->steps[0].outcome, CF_OUTCOME_ERROR);
    cr_expect_str_eq(c->steps[0].code, "VALIDATION_ERROR");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(c->steps[0].body, "AttachmentName");
    cr_expect_eq(cf_utf8_length(name->valuestring, strlen(name->valuestring)), 257);

    c = find(spec, OP "AttachmentName.emoji.max");
    cr_expect(has_tag(c, "generated") && has_tag(c, "boundary"));
    cr_expect_eq(c->steps[0].outcome, CF_OUTCOME_SUCCESS);
    /* A valid body gets a fresh token, as a hand-written case would write it. */
    cr_expect_str_eq(cf_json_pointer(c->steps[0].body, "/ClientToken")->valuestring, "{$token}");

    c = find(spec, OP "ClientToken.maxLength");
    cr_expect(has_tag(c, "positive"));
    const char *tok = cf_json_pointer(c->steps[0].body, "/ClientToken")->valuestring;
    cr_expect_eq(strlen(tok), 500, "an item about the token keeps its value");
    cr_expect_eq(c->steps[0].allow_count, 1, "a fixed token may meet itself in flight");

    c = find(spec, OP "Body.raw.unclosed");
    cr_expect_str_eq(c->steps[0].raw_body, "{{", "'{' is escaped for the template engine");
    cr_expect_str_eq(c->steps[0].code, "VALIDATION_ERROR");

    c = find(spec, OP "auth.missing");
    cr_expect_str_eq(c->steps[0].code, "ACCESS_DENIED");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(c->steps[0].headers, "X-Amz-Bearer")));
    cr_expect_null(c->steps[0].body, "the example body");
    cf_spec_free(spec);
}

Test(gen_cases, braces_in_generated_strings_are_escaped, .timeout = 30)
{
    cf_gen_cases_stats st;
    cf_spec *spec = generated(SPEC, CF_GEN_CASES_ALL, 1, 0, &st);
    const cf_case *c = find(spec, OP "AttachmentName.json-meta.max");
    const char *v = cf_json_pointer(c->steps[0].body, "/AttachmentName")->valuestring;
    for (const char *p = strchr(v, '{'); p; p = strchr(p + 2, '{'))
        cr_assert_eq(p[1], '{', "a lone '{' would be read as a placeholder: %s", v);
    cr_expect_not_null(strchr(v, '{'), "json-meta holds braces: %s", v);
    cf_spec_free(spec);
}

Test(gen_cases, positive_mode_cap_and_none, .timeout = 30)
{
    cf_gen_cases_stats all, pos, cap, none;
    cf_spec *a = generated(SPEC, CF_GEN_CASES_ALL, 1, 0, &all);
    cf_spec *p = generated(SPEC, CF_GEN_CASES_POSITIVE, 1, 0, &pos);
    cf_spec *c = generated(SPEC, CF_GEN_CASES_ALL, 1, 10, &cap);
    cf_spec *n = generated(SPEC, CF_GEN_CASES_NONE, 1, 0, &none);
    cr_expect_lt(pos.added, all.added);
    for (size_t i = 84; i < p->case_count; i++) {
        cr_expect_eq(p->cases[i].steps[0].outcome, CF_OUTCOME_SUCCESS, "%s", p->cases[i].id);
        cr_expect(!has_tag(&p->cases[i], "negative"), "%s", p->cases[i].id);
    }
    cr_expect_eq(cap.added, 10);
    cr_expect_eq(cap.capped, all.added - 10);
    for (size_t i = 0; i < 10; i++)
        cr_expect_str_eq(c->cases[84 + i].id, a->cases[84 + i].id, "the cap keeps the first");
    cr_expect_eq(none.added, 0);
    cr_expect_eq(n->case_count, 84);
    cr_expect_null(n->generated);
    cf_spec_free(a);
    cf_spec_free(p);
    cf_spec_free(c);
    cf_spec_free(n);
}

static int drop_auth(void *user, const cf_spec *spec, const cf_case *c)
{
    (void)spec;
    ++*(int *)user;
    return strstr(c->id, ".auth.") == NULL;
}

Test(gen_cases, the_keep_hook_drops_cases, .timeout = 30)
{
    cf_spec *spec = load(SPEC);
    int asked = 0;
    cf_gen_cases_opts o = {CF_GEN_CASES_ALL, 1, 0, drop_auth, &asked};
    cf_gen_cases_stats st;
    cr_assert_eq(cf_gen_cases_add(spec, &o, &st), CF_OK);
    cr_expect_eq(st.duplicates, 3);
    cr_expect_eq((size_t)asked, st.added + 3);
    for (size_t i = 0; i < spec->case_count; i++)
        cr_expect_null(strstr(spec->cases[i].id, "gen.StartAttachmentUpload.auth."));
    char *l = listing(spec);
    cr_expect_null(strstr(l, ".auth."), "dropped cases are not listed");
    free(l);
    cf_spec_free(spec);
}
