/* test_openapi_yaml.c - YAML to cJSON (contract/yaml.c): scalars, marks, and every refusal. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/limits.h"
#include "contract/yaml.h"

static cJSON *parse_ok(const char *text, cf_yaml_marks *marks)
{
    cJSON *out = NULL;
    char err[256];
    cf_rc rc = cf_yaml_parse(text, strlen(text), CF_MAX_JSON_DEPTH, &out, marks, err, sizeof err);
    cr_assert_eq(rc, CF_OK, "%s: %s", cf_err_name(rc), err);
    cr_assert_not_null(out);
    return out;
}

/* Parses text expecting a refusal with rc and a message containing `want`. */
static void parse_bad(const char *text, size_t len, cf_rc want_rc, const char *want)
{
    cJSON *out = (cJSON *)1;
    cf_yaml_marks marks;
    char err[256];
    cf_rc rc = cf_yaml_parse(text, len, CF_MAX_JSON_DEPTH, &out, &marks, err, sizeof err);
    cr_assert_eq(rc, want_rc, "got %s (%s)", cf_err_name(rc), err);
    cr_assert_null(out);
    cr_assert_eq(marks.count, 0);
    cr_assert(strstr(err, want) != NULL, "message \"%s\" lacks \"%s\"", err, want);
}

Test(openapi_yaml, core_schema_scalars_become_json_types, .timeout = 5)
{
    cJSON *v = parse_ok("a: 1\nb: -2.5e3\nc: true\nd: ~\ne: \"1\"\nf: 0x1F\ng: abc\nh: .inf\n"
                        "i: !!str 12\nj: 'false'\nk:\n200: x\nl: 1e\n",
                        NULL);
    char *s = cJSON_PrintUnformatted(v);
    cr_assert_str_eq(
        s, "{\"a\":1,\"b\":-2500,\"c\":true,\"d\":null,\"e\":\"1\",\"f\":31,\"g\":\"abc\","
           "\"h\":\".inf\",\"i\":\"12\",\"j\":\"false\",\"k\":null,\"200\":\"x\","
           "\"l\":\"1e\"}");
    free(s);
    cJSON_Delete(v);
}

Test(openapi_yaml, sequences_flow_styles_and_block_scalars, .timeout = 5)
{
    cJSON *v = parse_ok("list:\n  - 1\n  - {x: [a, b]}\ntext: |\n  two\n  lines\n", NULL);
    char *s = cJSON_PrintUnformatted(v);
    cr_assert_str_eq(s, "{\"list\":[1,{\"x\":[\"a\",\"b\"]}],\"text\":\"two\\nlines\\n\"}");
    free(s);
    cJSON_Delete(v);
}

Test(openapi_yaml, anchors_and_aliases_are_copied, .timeout = 5)
{
    cJSON *v = parse_ok("base: &b {type: string}\nuse: *b\nname: &n bob\nagain: *n\n", NULL);
    char *s = cJSON_PrintUnformatted(v);
    cr_assert_str_eq(s, "{\"base\":{\"type\":\"string\"},\"use\":{\"type\":\"string\"},"
                        "\"name\":\"bob\",\"again\":\"bob\"}");
    free(s);
    cJSON_Delete(v);
}

Test(openapi_yaml, marks_give_line_and_column_of_each_node, .timeout = 5)
{
    cf_yaml_marks marks;
    cJSON *v = parse_ok("a:\n  b:\n    - 7\n", &marks);
    const cJSON *seven = cf_json_pointer(v, "/a/b/0");
    const cf_yaml_mark *m = cf_yaml_mark_find(&marks, seven);
    cr_assert_not_null(m);
    cr_assert_eq(m->line, 3);
    cr_assert_eq(m->column, 7);
    m = cf_yaml_mark_find(&marks, cf_json_pointer(v, "/a/b"));
    cr_assert_not_null(m);
    cr_assert_eq(m->line, 3);
    cr_assert_null(cf_yaml_mark_find(&marks, NULL));
    cf_yaml_marks_free(&marks);
    cf_yaml_marks_free(NULL);
    cJSON_Delete(v);
}

Test(openapi_yaml, empty_input_is_null, .timeout = 5)
{
    cJSON *v = parse_ok("", NULL);
    cr_assert(cJSON_IsNull(v));
    cJSON_Delete(v);
    v = parse_ok("# only a comment\n", NULL);
    cr_assert(cJSON_IsNull(v));
    cJSON_Delete(v);
}

Test(openapi_yaml, syntax_error_names_line_and_column, .timeout = 5)
{
    const char *t = "a: 1\nb: [1, 2\n";
    parse_bad(t, strlen(t), CF_E_INVALID, "line 3");
}

Test(openapi_yaml, duplicate_key_is_refused, .timeout = 5)
{
    const char *t = "a: 1\nb: 2\na: 3\n";
    parse_bad(t, strlen(t), CF_E_INVALID, "line 3, column 4: duplicate key \"a\"");
}

Test(openapi_yaml, non_scalar_keys_merge_keys_and_alias_keys_are_refused, .timeout = 5)
{
    const char *t1 = "? [a]\n: 1\n";
    parse_bad(t1, strlen(t1), CF_E_INVALID, "sequence as a mapping key");
    const char *t2 = "a: &x {k: 1}\nb:\n  <<: *x\n";
    parse_bad(t2, strlen(t2), CF_E_INVALID, "merge key");
    const char *t3 = "a: &x k\n*x : 1\n";
    parse_bad(t3, strlen(t3), CF_E_INVALID, "alias as a mapping key");
}

Test(openapi_yaml, undefined_and_recursive_aliases_are_refused, .timeout = 5)
{
    const char *t1 = "a: *nope\n";
    parse_bad(t1, strlen(t1), CF_E_INVALID, "undefined alias \"*nope\"");
    const char *t2 = "a: &x\n  b: *x\n";
    parse_bad(t2, strlen(t2), CF_E_INVALID, "inside its own anchor");
}

Test(openapi_yaml, more_than_one_document_is_refused, .timeout = 5)
{
    const char *t = "a: 1\n---\nb: 2\n";
    parse_bad(t, strlen(t), CF_E_INVALID, "more than one document");
}

Test(openapi_yaml, nesting_past_the_limit_is_refused, .timeout = 5)
{
    char t[4096];
    size_t n = 0;
    for (int i = 0; i < CF_MAX_JSON_DEPTH + 5; i++)
        t[n++] = '[';
    t[n] = '\0';
    parse_bad(t, n, CF_E_TOO_DEEP, "nesting deeper than");
}

Test(openapi_yaml, alias_bomb_stops_early, .timeout = 10)
{
    /* "billion laughs": each level doubles ten times; fully expanded it is 10^9 nodes. */
    const char *t = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
                    "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
                    "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
    parse_bad(t, strlen(t), CF_E_TOO_LARGE, "alias bomb");
}

Test(openapi_yaml, input_need_not_be_nul_terminated, .timeout = 5)
{
    const char text[] = {'a', ':', ' ', '1', '2', '3'};
    cJSON *out = NULL;
    char err[128];
    cr_assert_eq(cf_yaml_parse(text, 4, 8, &out, NULL, err, sizeof err), CF_OK, "%s", err);
    cr_assert_eq(cJSON_GetObjectItem(out, "a")->valueint, 1);
    cJSON_Delete(out);
}
