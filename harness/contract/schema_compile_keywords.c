/* schema_compile_keywords.c - reads one schema object's keywords into its compiled node. */
#include "contract/schema_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"

/* A subschema at spath/key (and /index when index != (size_t)-1). */
static cf_schema_node *sub(cf_schema_cctx *c, const cJSON *src, const char *spath, const char *key,
                           size_t index, int depth)
{
    char path[CF_PATH_MAX];
    cf_diag_path_key(path, sizeof(path), spath, key);
    if (index != (size_t)-1) {
        char inner[CF_PATH_MAX];
        cf_diag_path_index(inner, sizeof(inner), path, index);
        return cf_schema_compile_node(c, src, inner, depth + 1);
    }
    return cf_schema_compile_node(c, src, path, depth + 1);
}

static int is_schema(const cJSON *v)
{
    return cJSON_IsObject(v) || cJSON_IsBool(v);
}

/* An array of subschemas (allOf, anyOf, oneOf, prefixItems); 0 when malformed. */
static int schema_list(cf_schema_cctx *c, cf_schema_node *n, const cJSON *kw, int depth,
                       cf_schema_node ***out, size_t *count)
{
    size_t len = (size_t)cJSON_GetArraySize(kw);
    if (!cJSON_IsArray(kw) || (len == 0 && strcmp(kw->string, "prefixItems") != 0)) {
        cf_schema_compile_problem(c, n, kw->string, "\"%s\" must be a non-empty array of schemas",
                                  kw->string);
        return 0;
    }
    *out = calloc(len ? len : 1, sizeof(**out));
    if (!*out) {
        c->rc = CF_E_NOMEM;
        return 0;
    }
    size_t i = 0;
    for (const cJSON *e = kw->child; e; e = e->next, i++)
        (*out)[i] = sub(c, e, n->spath, kw->string, i, depth);
    *count = len;
    return 1;
}

static int is_count(const cJSON *v)
{
    return cf_schema_is_count(v);
}

/* A keyword holding a count (minLength, maxItems, ...). */
static void count_kw(cf_schema_cctx *c, cf_schema_node *n, const cJSON *kw, unsigned bit,
                     double *at)
{
    if (!is_count(kw)) {
        cf_schema_compile_problem(c, n, kw->string, "\"%s\" must be a non-negative integer",
                                  kw->string);
        return;
    }
    n->has |= bit;
    *at = kw->valuedouble;
}

static void number_kw(cf_schema_cctx *c, cf_schema_node *n, const cJSON *kw, unsigned bit,
                      double *at)
{
    if (!cJSON_IsNumber(kw) || !isfinite(kw->valuedouble)) {
        cf_schema_compile_problem(c, n, kw->string, "\"%s\" must be a number", kw->string);
        return;
    }
    n->has |= bit;
    *at = kw->valuedouble;
}

static void bool_kw(cf_schema_cctx *c, cf_schema_node *n, const cJSON *kw, unsigned bit)
{
    if (!cJSON_IsBool(kw)) {
        cf_schema_compile_problem(c, n, kw->string, "\"%s\" must be a boolean", kw->string);
        return;
    }
    if (cJSON_IsTrue(kw))
        n->has |= bit;
}

static void type_kw(cf_schema_cctx *c, cf_schema_node *n, const cJSON *type)
{
    unsigned mask = 0;
    int ok = 0;
    if (cJSON_IsString(type)) {
        mask = cf_schema_type_bit(type->valuestring);
        ok = mask != 0;
    } else if (cJSON_IsArray(type) && (type->child || !c->draft4)) {
        ok = 1;
        for (const cJSON *t = type->child; t; t = t->next) {
            unsigned bit = cJSON_IsString(t) ? cf_schema_type_bit(t->valuestring) : 0;
            if (!bit)
                ok = 0;
            mask |= bit;
        }
        ok = ok && type->child;
    }
    if (!ok) {
        cf_schema_compile_problem(
            c, n, "type",
            "\"type\" must name object, array, string, integer, number, boolean or null "
            "(or be a non-empty array of them)");
        return;
    }
    n->has |= CF_K_TYPE;
    n->types = mask;
}

static void regex_kw(cf_schema_cctx *c, cf_schema_node *n, const char *keyword, const char *pattern,
                     cf_schema_regex **out)
{
    char err[CF_ERR_MAX];
    cf_rc rc = cf_schema_regex_compile(pattern, strlen(pattern), out, err, sizeof(err));
    if (rc == CF_E_NOMEM)
        c->rc = rc;
    else if (rc != CF_OK)
        cf_schema_compile_problem(c, n, keyword,
                                  "pattern \"%.200s\" is not an ECMA-262 regular expression: %s",
                                  pattern, err);
}

static void properties_kw(cf_schema_cctx *c, cf_schema_node *n, const cJSON *kw, int depth)
{
    if (!cJSON_IsObject(kw)) {
        cf_schema_compile_problem(c, n, kw->string, "\"%s\" must be an object of schemas",
                                  kw->string);
        return;
    }
    int patterns = strcmp(kw->string, "patternProperties") == 0;
    size_t len = (size_t)cJSON_GetArraySize(kw);
    if (len == 0)
        return;
    cf_schema_named *named = NULL;
    cf_schema_pattern *pats = NULL;
    if (patterns)
        pats = calloc(len, sizeof(*pats));
    else
        named = calloc(len, sizeof(*named));
    if (!named && !pats) {
        c->rc = CF_E_NOMEM;
        return;
    }
    size_t i = 0;
    char path[CF_PATH_MAX];
    cf_diag_path_key(path, sizeof(path), n->spath, kw->string);
    for (const cJSON *p = kw->child; p; p = p->next) {
        const char *key = p->string ? p->string : "";
        char psub[CF_PATH_MAX];
        cf_diag_path_key(psub, sizeof(psub), path, key);
        if (patterns) {
            cf_schema_regex *re = NULL;
            regex_kw(c, n, "patternProperties", key, &re);
            if (!re)
                continue;
            pats[i].re = re;
            pats[i++].node = cf_schema_compile_node(c, p, psub, depth + 1);
        } else {
            named[i].name = key;
            named[i++].node = cf_schema_compile_node(c, p, psub, depth + 1);
        }
    }
    if (patterns) {
        n->pattern_props = pats;
        n->n_pattern_props = i;
    } else {
        n->props = named;
        n->n_props = i;
    }
}

static int is_string_array(const cJSON *a)
{
    if (!cJSON_IsArray(a))
        return 0;
    for (const cJSON *e = a->child; e; e = e->next)
        if (!cJSON_IsString(e))
            return 0;
    return 1;
}

/* dependentRequired, dependentSchemas, and draft-04's dependencies (either form). */
static void dependents_kw(cf_schema_cctx *c, cf_schema_node *n, const cJSON *kw, int depth)
{
    int required = strcmp(kw->string, "dependentRequired") == 0;
    int schemas = strcmp(kw->string, "dependentSchemas") == 0;
    if (!cJSON_IsObject(kw)) {
        cf_schema_compile_problem(c, n, kw->string, "\"%s\" must be an object", kw->string);
        return;
    }
    size_t len = (size_t)cJSON_GetArraySize(kw);
    if (len == 0)
        return;
    cf_schema_dependent *grown =
        realloc(n->dependents, (n->n_dependents + len) * sizeof(*n->dependents));
    if (!grown) {
        c->rc = CF_E_NOMEM;
        return;
    }
    n->dependents = grown;
    char path[CF_PATH_MAX];
    cf_diag_path_key(path, sizeof(path), n->spath, kw->string);
    for (const cJSON *d = kw->child; d; d = d->next) {
        cf_schema_dependent *dep = &n->dependents[n->n_dependents];
        memset(dep, 0, sizeof(*dep));
        dep->name = d->string ? d->string : "";
        if (!schemas && is_string_array(d)) {
            dep->names = d;
        } else if (!required && is_schema(d)) {
            char psub[CF_PATH_MAX];
            cf_diag_path_key(psub, sizeof(psub), path, dep->name);
            dep->node = cf_schema_compile_node(c, d, psub, depth + 1);
        } else {
            cf_schema_compile_problem(c, n, kw->string, "\"%s\" entries must be %s", kw->string,
                                      required  ? "arrays of strings"
                                      : schemas ? "schemas"
                                                : "arrays of strings or schemas");
            continue;
        }
        n->n_dependents++;
    }
}

/* discriminator: {propertyName, mapping}; branches are resolved like $refs. */
static void discriminator_kw(cf_schema_cctx *c, cf_schema_node *n, const cJSON *kw)
{
    const cJSON *name = cf_schema_keyword(kw, "propertyName");
    if (!cJSON_IsObject(kw) || !cJSON_IsString(name)) {
        cf_schema_compile_problem(c, n, "discriminator",
                                  "\"discriminator\" must be an object with a string "
                                  "\"propertyName\"");
        return;
    }
    n->discriminator = name->valuestring;
    const cJSON *mapping = cf_schema_keyword(kw, "mapping");
    if (!mapping)
        return;
    size_t len = (size_t)cJSON_GetArraySize(mapping);
    if (!cJSON_IsObject(mapping) || !len) {
        if (!cJSON_IsObject(mapping))
            cf_schema_compile_problem(c, n, "discriminator",
                                      "\"discriminator\".\"mapping\" must be an object");
        return;
    }
    n->mapping = calloc(len, sizeof(*n->mapping));
    if (!n->mapping) {
        c->rc = CF_E_NOMEM;
        return;
    }
    for (const cJSON *m = mapping->child; m; m = m->next) {
        if (!cJSON_IsString(m)) {
            cf_schema_compile_problem(c, n, "discriminator",
                                      "\"discriminator\".\"mapping\" values must be strings");
            continue;
        }
        n->mapping[n->n_mapping++].name = m->string ? m->string : "";
    }
}

/* Reads every keyword of one schema object into n. */
void cf_schema_compile_keywords(cf_schema_cctx *c, cf_schema_node *n, const cJSON *src, int depth)
{
    const cJSON *ref = cf_schema_keyword(src, "$ref");
    if (ref) {
        if (!cJSON_IsString(ref))
            cf_schema_compile_problem(c, n, "$ref", "\"$ref\" must be a string");
        else
            cf_schema_ref_queue(c, n, ref->valuestring);
        if (c->draft4 && cJSON_IsString(ref))
            return; /* draft-04: a $ref replaces its siblings */
    }
    const cJSON *ex_min = NULL, *ex_max = NULL;
    for (const cJSON *kw = src->child; kw; kw = kw->next) {
        const char *k = kw->string ? kw->string : "";
        /* A repeated keyword: the first counts, as in every lookup by name (and the second would
         * replace, and leak, what the first compiled). */
        if (cf_schema_keyword(src, k) != kw)
            continue;
        if (k[0] == '$' || k[0] == 'x' || k[0] == 't' || k[0] == 'd' || k[0] == 'e' ||
            k[0] == 'n') {
            /* the rare letters first: most annotations start with these */
            if (strcmp(k, "type") == 0)
                type_kw(c, n, kw);
            else if (strcmp(k, "x-https") == 0)
                bool_kw(c, n, kw, CF_K_X_HTTPS);
            else if (strcmp(k, "x-millis") == 0)
                bool_kw(c, n, kw, CF_K_X_MILLIS);
            else if (strcmp(k, "then") == 0 && !c->draft4)
                n->then_ = is_schema(kw) ? sub(c, kw, n->spath, k, (size_t)-1, depth) : NULL;
            else if (strcmp(k, "else") == 0 && !c->draft4)
                n->else_ = is_schema(kw) ? sub(c, kw, n->spath, k, (size_t)-1, depth) : NULL;
            else if (strcmp(k, "enum") == 0) {
                if (!cJSON_IsArray(kw))
                    cf_schema_compile_problem(c, n, k, "\"enum\" must be an array");
                else
                    n->enum_ = kw;
            } else if (strcmp(k, "exclusiveMinimum") == 0)
                ex_min = kw;
            else if (strcmp(k, "exclusiveMaximum") == 0)
                ex_max = kw;
            else if (strcmp(k, "not") == 0)
                n->not_ = sub(c, kw, n->spath, k, (size_t)-1, depth);
            else if (strcmp(k, "nullable") == 0)
                bool_kw(c, n, kw, CF_K_NULLABLE);
            else if (strcmp(k, "dependentRequired") == 0 || strcmp(k, "dependentSchemas") == 0 ||
                     (strcmp(k, "dependencies") == 0 && c->draft4))
                dependents_kw(c, n, kw, depth);
            else if (strcmp(k, "discriminator") == 0)
                discriminator_kw(c, n, kw);
            else if (strcmp(k, "$defs") == 0 || strcmp(k, "definitions") == 0) {
                if (!cJSON_IsObject(kw)) {
                    cf_schema_compile_problem(c, n, k, "\"%s\" must be an object of schemas", k);
                    continue;
                }
                /* compiled even when unused, so the linter sees their problems */
                char path[CF_PATH_MAX];
                cf_diag_path_key(path, sizeof(path), n->spath, k);
                for (const cJSON *d = kw->child; d; d = d->next) {
                    char psub[CF_PATH_MAX];
                    cf_diag_path_key(psub, sizeof(psub), path, d->string ? d->string : "");
                    cf_schema_compile_node(c, d, psub, depth + 1);
                }
            }
            continue;
        }
        if (strcmp(k, "properties") == 0 || strcmp(k, "patternProperties") == 0)
            properties_kw(c, n, kw, depth);
        else if (strcmp(k, "required") == 0) {
            if (!is_string_array(kw))
                cf_schema_compile_problem(c, n, k, "\"required\" must be an array of strings");
            else
                n->required = kw;
        } else if (strcmp(k, "additionalProperties") == 0) {
            if (!is_schema(kw))
                cf_schema_compile_problem(c, n, k,
                                          "\"additionalProperties\" must be a boolean or a schema");
            else
                n->additional = sub(c, kw, n->spath, k, (size_t)-1, depth);
        } else if (strcmp(k, "items") == 0) {
            if (cJSON_IsArray(kw) && c->draft4)
                schema_list(c, n, kw, depth, &n->prefix_items, &n->n_prefix_items);
            else if (cJSON_IsArray(kw))
                cf_schema_compile_problem(
                    c, n, k,
                    "\"items\" as an array (tuple form) is draft-04; 2020-12 names it "
                    "\"prefixItems\"");
            else if (!is_schema(kw))
                cf_schema_compile_problem(c, n, k, "\"items\" must be a schema");
            else
                n->items = sub(c, kw, n->spath, k, (size_t)-1, depth);
        } else if (strcmp(k, "prefixItems") == 0 && !c->draft4)
            schema_list(c, n, kw, depth, &n->prefix_items, &n->n_prefix_items);
        else if (strcmp(k, "allOf") == 0)
            schema_list(c, n, kw, depth, &n->all_of, &n->n_all_of);
        else if (strcmp(k, "anyOf") == 0)
            schema_list(c, n, kw, depth, &n->any_of, &n->n_any_of);
        else if (strcmp(k, "oneOf") == 0)
            schema_list(c, n, kw, depth, &n->one_of, &n->n_one_of);
        else if (strcmp(k, "if") == 0 && !c->draft4)
            n->if_ = sub(c, kw, n->spath, k, (size_t)-1, depth);
        else if (strcmp(k, "const") == 0 && !c->draft4)
            n->const_ = kw;
        else if (strcmp(k, "minimum") == 0)
            number_kw(c, n, kw, CF_K_MINIMUM, &n->minimum);
        else if (strcmp(k, "maximum") == 0)
            number_kw(c, n, kw, CF_K_MAXIMUM, &n->maximum);
        else if (strcmp(k, "multipleOf") == 0) {
            number_kw(c, n, kw, CF_K_MULTIPLE_OF, &n->multiple_of);
            if ((n->has & CF_K_MULTIPLE_OF) && !(n->multiple_of > 0)) {
                n->has &= ~(unsigned)CF_K_MULTIPLE_OF;
                cf_schema_compile_problem(c, n, k, "\"multipleOf\" must be greater than 0");
            }
        } else if (strcmp(k, "minLength") == 0)
            count_kw(c, n, kw, CF_K_MIN_LENGTH, &n->min_length);
        else if (strcmp(k, "maxLength") == 0)
            count_kw(c, n, kw, CF_K_MAX_LENGTH, &n->max_length);
        else if (strcmp(k, "minItems") == 0)
            count_kw(c, n, kw, CF_K_MIN_ITEMS, &n->min_items);
        else if (strcmp(k, "maxItems") == 0)
            count_kw(c, n, kw, CF_K_MAX_ITEMS, &n->max_items);
        else if (strcmp(k, "minProperties") == 0)
            count_kw(c, n, kw, CF_K_MIN_PROPS, &n->min_props);
        else if (strcmp(k, "maxProperties") == 0)
            count_kw(c, n, kw, CF_K_MAX_PROPS, &n->max_props);
        else if (strcmp(k, "minContains") == 0 && !c->draft4)
            count_kw(c, n, kw, CF_K_MIN_CONTAINS, &n->min_contains);
        else if (strcmp(k, "maxContains") == 0 && !c->draft4)
            count_kw(c, n, kw, CF_K_MAX_CONTAINS, &n->max_contains);
        else if (strcmp(k, "uniqueItems") == 0)
            bool_kw(c, n, kw, CF_K_UNIQUE);
        else if (strcmp(k, "readOnly") == 0)
            bool_kw(c, n, kw, CF_K_READ_ONLY);
        else if (strcmp(k, "writeOnly") == 0)
            bool_kw(c, n, kw, CF_K_WRITE_ONLY);
        else if (strcmp(k, "contains") == 0 && !c->draft4)
            n->contains = is_schema(kw) ? sub(c, kw, n->spath, k, (size_t)-1, depth) : NULL;
        else if (strcmp(k, "propertyNames") == 0 && !c->draft4)
            n->property_names = is_schema(kw) ? sub(c, kw, n->spath, k, (size_t)-1, depth) : NULL;
        else if (strcmp(k, "pattern") == 0) {
            if (!cJSON_IsString(kw))
                cf_schema_compile_problem(c, n, k, "\"pattern\" must be a string");
            else
                regex_kw(c, n, k, kw->valuestring, &n->pattern);
        } else if (strcmp(k, "format") == 0) {
            if (!cJSON_IsString(kw))
                cf_schema_compile_problem(c, n, k, "\"format\" must be a string");
            else
                n->format = cf_schema_format_of(kw->valuestring);
        }
    }
    /* In draft-04 (OpenAPI 3.0), exclusiveMinimum is a boolean that makes minimum strict. */
    if (ex_min && c->draft4 && cJSON_IsBool(ex_min)) {
        if (cJSON_IsTrue(ex_min) && (n->has & CF_K_MINIMUM)) {
            n->has = (n->has & ~(unsigned)CF_K_MINIMUM) | CF_K_EX_MINIMUM;
            n->ex_minimum = n->minimum;
        }
    } else if (ex_min) {
        number_kw(c, n, ex_min, CF_K_EX_MINIMUM, &n->ex_minimum);
    }
    if (ex_max && c->draft4 && cJSON_IsBool(ex_max)) {
        if (cJSON_IsTrue(ex_max) && (n->has & CF_K_MAXIMUM)) {
            n->has = (n->has & ~(unsigned)CF_K_MAXIMUM) | CF_K_EX_MAXIMUM;
            n->ex_maximum = n->maximum;
        }
    } else if (ex_max) {
        number_kw(c, n, ex_max, CF_K_EX_MAXIMUM, &n->ex_maximum);
    }
    if (c->draft4) {
        const cJSON *additional_items = cf_schema_keyword(src, "additionalItems");
        /* draft-04: additionalItems only matters after array-form items */
        if (additional_items && n->prefix_items) {
            if (!is_schema(additional_items))
                cf_schema_compile_problem(c, n, "additionalItems",
                                          "\"additionalItems\" must be a schema");
            else
                n->items = sub(c, additional_items, n->spath, "additionalItems", (size_t)-1, depth);
        }
    }
    /* then/else mean nothing without if; an if without both is only an annotation. */
    if (!n->if_) {
        n->then_ = NULL;
        n->else_ = NULL;
    }
    const cJSON *then_kw = cf_schema_keyword(src, "then");
    const cJSON *else_kw = cf_schema_keyword(src, "else");
    if ((then_kw && !is_schema(then_kw)) || (else_kw && !is_schema(else_kw)))
        cf_schema_compile_problem(c, n, then_kw && !is_schema(then_kw) ? "then" : "else",
                                  "\"then\" and \"else\" must be schemas");
}
