/* test_template.c - placeholders: variables, generators, captures, literals. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "contract/template.h"

static cf_rc fixed_gen(void *user, const char *name, const char *arg, cf_buf *out)
{
    (void)user;
    if (strcmp(name, "token") == 0)
        return cf_buf_addf(out, "T[%s]", arg);
    return CF_E_NOT_FOUND;
}

static char *expand(const char *tmpl, cf_rc *rc, char *err, size_t errlen)
{
    static cf_bindings vars, caps;
    cf_bindings_cleanup(&vars);
    cf_bindings_cleanup(&caps);
    cr_assert_eq(cf_bindings_set(&vars, "region", "eu-west-1", 0), CF_OK);
    cr_assert_eq(cf_bindings_set(&vars, "bearer", "sekret", 1), CF_OK);
    cr_assert_eq(cf_bindings_set(&caps, "id", "abc", 0), CF_OK);
    cf_tmpl_ctx ctx = {&vars, &caps, fixed_gen, NULL};
    cf_buf b;
    cf_buf_init(&b, 4u * 1024u * 1024u);
    err[0] = '\0';
    *rc = cf_template_expand(tmpl, &ctx, &b, err, errlen);
    char *s = cf_buf_take(&b);
    cf_bindings_cleanup(&vars);
    cf_bindings_cleanup(&caps);
    return s;
}

Test(template, expands_variables_generators_and_captures, .timeout = 5)
{
    static const struct {
        const char *in;
        const char *out;
    } cases[] = {
        {"http://x.{region}.amazonaws.com", "http://x.eu-west-1.amazonaws.com"},
        {"{bearer}", "sekret"},
        {"id={@id}", "id=abc"},
        {"{$token}/{$token:b}", "T[]/T[b]"},
        {"{\"a\":1}", "{\"a\":1}"},
        {"{ }", "{ }"},
        {"{{region}", "{region}"},
        {"{", "{"},
        {"no braces", "no braces"},
        {"{$repeat:ab:3}", "ababab"},
        {"{$repeat:é:2}", "éé"},
        {"{$repeat:x:0}", ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cf_rc rc;
        char err[256];
        char *s = expand(cases[i].in, &rc, err, sizeof(err));
        cr_expect_eq(rc, CF_OK, "%s: %s", cases[i].in, err);
        cr_expect_str_eq(s ? s : "", cases[i].out, "%s", cases[i].in);
        free(s);
    }
}

Test(template, uuid_is_fresh_v4_each_time, .timeout = 5)
{
    cf_rc rc;
    char err[256];
    char *a = expand("{$uuid}", &rc, err, sizeof(err));
    char *b = expand("{$uuid}", &rc, err, sizeof(err));
    cr_assert_eq(strlen(a), 36);
    cr_expect_eq(a[14], '4');
    cr_expect_str_neq(a, b);
    free(a);
    free(b);
}

Test(template, unknown_names_fail_with_a_message, .timeout = 5)
{
    static const struct {
        const char *in;
        const char *msg;
    } cases[] = {
        {"{nope}", "not a variable"},     {"{@nope}", "no earlier step captured"},
        {"{$nope}", "unknown generator"}, {"{$repeat:x}", "{$repeat:TEXT:N}"},
        {"{$repeat:x:99999999}", "N <="},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cf_rc rc;
        char err[256];
        char *s = expand(cases[i].in, &rc, err, sizeof(err));
        cr_expect_neq(rc, CF_OK, "%s", cases[i].in);
        cr_expect(strstr(err, cases[i].msg) != NULL, "%s: got \"%s\"", cases[i].in, err);
        free(s);
    }
}

Test(template, json_tree_expands_string_values_only, .timeout = 5)
{
    cf_bindings vars = {0};
    cr_assert_eq(cf_bindings_set(&vars, "region", "r1", 0), CF_OK);
    cf_tmpl_ctx ctx = {&vars, NULL, NULL, NULL};
    cJSON *in = cJSON_Parse("{\"{region}\":\"{region}\",\"n\":5,\"a\":[\"{region}\",null]}");
    cJSON *out = NULL;
    char err[128];
    cr_assert_eq(cf_template_expand_json(in, &ctx, &out, err, sizeof(err)), CF_OK);
    char *s = cJSON_PrintUnformatted(out);
    cr_expect_str_eq(s, "{\"{region}\":\"r1\",\"n\":5,\"a\":[\"r1\",null]}");
    free(s);
    cJSON_Delete(in);
    cJSON_Delete(out);
    cf_bindings_cleanup(&vars);
}

static void count_cb(void *user, char kind, const char *name, const char *arg)
{
    char *seen = user;
    char one[64];
    snprintf(one, sizeof(one), "%c%s:%s;", kind ? kind : '_', name, arg);
    strcat(seen, one);
}

Test(template, scan_reports_each_placeholder, .timeout = 5)
{
    char seen[256] = "";
    cf_template_scan("a{x}b{$token:l}{@c}{\"no\"}{{y}", count_cb, seen);
    cr_expect_str_eq(seen, "_x:;$token:l;@c:;");
}
