/* gen_oracle.c - the generator tests' independent oracle (see gen_oracle.h). */
#include "gen_oracle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/limits.h"
#include "base/utf8.h"

static char *fail(const char *fmt, const char *name, const char *extra)
{
    size_t n = strlen(fmt) + strlen(name) + strlen(extra) + 1;
    char *m = malloc(n);
    if (m)
        snprintf(m, n, fmt, name, extra);
    return m;
}

/* The longest string anywhere in v, in code points. */
static size_t longest(const cJSON *v)
{
    size_t best = 0;
    if (cJSON_IsString(v)) {
        size_t n = strlen(v->valuestring);
        best = cf_utf8_length(v->valuestring, n);
        best = best == (size_t)-1 ? n : best; /* invalid UTF-8 from the schema: bytes */
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, v)
    {
        size_t k = longest(e);
        if (k > best)
            best = k;
    }
    return best;
}

char *gen_oracle_run(const cJSON *schema, const cf_gen_options *opt, cf_gen_list *out)
{
    cf_gen_options o = {0};
    if (opt)
        o = *opt;
    if (cf_gen_schema(schema, "Body", CF_GEN_IN_BODY, NULL, &o, out) != CF_OK)
        return fail("%s%s", "cf_gen_schema failed", "");
    cf_schema_options so = {o.dialect, o.document};
    cf_schema *s = NULL;
    if (cf_schema_compile(schema, &so, &s) != CF_OK)
        return fail("%s%s", "cf_schema_compile failed", "");
    char *why = NULL;
    for (size_t i = 0; i < out->count && !why; i++) {
        const cf_gen_item *it = &out->items[i];
        for (size_t j = 0; j < i && !why; j++)
            if (strcmp(out->items[j].name, it->name) == 0)
                why = fail("%s: name used twice%s", it->name, "");
        if (why || it->absent)
            continue;
        if (it->raw) {
            cJSON *parsed = NULL;
            if (cf_json_parse(it->raw, it->raw_len, CF_MAX_JSON_DEPTH, &parsed, NULL) == CF_OK)
                why = fail("%s: raw text parses: %s", it->name, it->raw);
            cJSON_Delete(parsed);
            continue;
        }
        if (it->valid != (it->kind != CF_GEN_NEGATIVE))
            why = fail("%s: kind and expected outcome disagree%s", it->name, "");
        else if ((cf_schema_check(s, it->value, o.direction, "", NULL) == 0) != it->valid)
            why = fail("%s: the validator disagrees (expected %s)", it->name,
                       it->valid ? "valid" : "invalid");
        else if (longest(it->value) > CF_GEN_MAX_BOUND + 1)
            why = fail("%s: a string passes the cap%s", it->name, "");
    }
    cf_schema_free(s);
    return why;
}

char *gen_oracle_text(const char *schema, const cf_gen_options *opt, cf_gen_list *out)
{
    static cJSON *parsed;
    cJSON_Delete(parsed);
    parsed = cJSON_Parse(schema);
    if (!parsed)
        return fail("%s%s", "schema is not JSON: ", schema);
    return gen_oracle_run(parsed, opt, out);
}
