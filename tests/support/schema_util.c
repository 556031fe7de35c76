/* schema_util.c - helpers the schema tests share: parsing, one-finding expectations, long
 * strings, string instances validated, nested documents. */
#include "schema_util.h"

#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "contract/schema.h"

cJSON *cf_test_parse(const char *text)
{
    cJSON *v = cJSON_Parse(text);
    cr_assert_not_null(v, "test JSON does not parse: %s", text);
    return v;
}

/* Checks that `d` holds exactly one finding at `path` containing `message`. */
void cf_test_expect_one(const cf_diags *d, size_t n, const char *what, size_t i, const char *path,
                        const char *message)
{
    cr_expect_eq(n, 1, "%s case %zu: %zu findings, want 1 (first: %s: %s)", what, i, n,
                 d->count ? d->items[0].path : "-", d->count ? d->items[0].message : "-");
    cr_expect_eq(d->count, n, "%s case %zu: count and stored differ", what, i);
    if (d->count < 1)
        return;
    cr_expect_str_eq(d->items[0].path, path, "%s case %zu: path", what, i);
    cr_expect_not_null(strstr(d->items[0].message, message),
                       "%s case %zu: message \"%s\" lacks \"%s\"", what, i, d->items[0].message,
                       message);
}
/* A string of `n` copies of `unit`. */
char *cf_test_repeat(const char *unit, size_t n)
{
    size_t u = strlen(unit);
    char *s = malloc(u * n + 1);
    cr_assert_not_null(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * u, unit, u);
    s[u * n] = '\0';
    return s;
}

/* Validates a string instance built in memory; returns the count, fills d. */
size_t cf_test_validate_string(const char *schema_text, const char *value, cf_diags *d)
{
    cJSON *schema = cf_test_parse(schema_text);
    cJSON *instance = cJSON_CreateString(value);
    cr_assert_not_null(instance);
    size_t n = cf_schema_validate(schema, instance, "", d);
    cJSON_Delete(instance);
    cJSON_Delete(schema);
    return n;
}
/* Builds `levels` arrays nested in each other around a null, and a schema of as many "items". */
void cf_test_build_nested(int levels, cJSON **schema, cJSON **instance)
{
    cJSON *s = cJSON_CreateObject();
    cJSON *v = cJSON_CreateNull();
    cr_assert(s && v);
    for (int i = 0; i < levels; i++) {
        cJSON *outer_s = cJSON_CreateObject();
        cJSON *outer_v = cJSON_CreateArray();
        cr_assert(outer_s && outer_v);
        cr_assert(cJSON_AddItemToObject(outer_s, "items", s));
        cr_assert(cJSON_AddItemToArray(outer_v, v));
        s = outer_s;
        v = outer_v;
    }
    *schema = s;
    *instance = v;
}
