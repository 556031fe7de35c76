/* schema_validate_types.c - the keywords for one type of value: string (and format), number,
 * object, array. */
#include "contract/schema_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/timefmt.h"
#include "base/utf8.h"

static void check_format(cf_schema_vctx *v, const cf_schema_node *n, const char *s, size_t len,
                         const cf_schema_ipath *ip)
{
    if (n->format == CF_FMT_NONE || n->format == CF_FMT_UNKNOWN)
        return; /* unknown formats are annotations; the linter names them */
    if (cf_schema_format_string(n->format, s, len)) {
        if (n->format == CF_FMT_DATE_TIME && (n->has & CF_K_X_MILLIS) &&
            !cf_time_is_iso_millis(s, len)) {
            char shown[VALUE_MAX];
            cf_schema_render_string(s, len, shown, sizeof(shown));
            cf_schema_violation(
                v, n, "x-millis", ip,
                "%s is not in the millisecond form yyyy-MM-ddThh:mm:ss.SSSZ (x-millis)", shown);
        } else if (n->format == CF_FMT_URI && (n->has & CF_K_X_HTTPS)) {
            int https = cf_schema_uri_is_https(s);
            char shown[VALUE_MAX] = "";
            if (https) /* quoted only in a message, never for a URI that holds */
                cf_schema_render_string(s, len, shown, sizeof(shown));
            if (https == 1)
                cf_schema_violation(v, n, "x-https", ip, "%s is not an https URI (x-https)", shown);
            else if (https == 2)
                cf_schema_violation(v, n, "x-https", ip, "%s has no host after \"https://\"",
                                    shown);
        }
        return;
    }
    char shown[VALUE_MAX];
    cf_schema_render_string(s, len, shown, sizeof(shown));
    static const char *const what[] = {
        [CF_FMT_DATE_TIME] = "an RFC 3339 date-time",
        [CF_FMT_DATE] = "an RFC 3339 full-date",
        [CF_FMT_TIME] = "an RFC 3339 full-time",
        [CF_FMT_DURATION] = "an ISO 8601 duration",
        [CF_FMT_EMAIL] = "an email address",
        [CF_FMT_HOSTNAME] = "a hostname",
        [CF_FMT_IPV4] = "an IPv4 address",
        [CF_FMT_IPV6] = "an IPv6 address",
        [CF_FMT_URI] = "an absolute URI (RFC 3986)",
        [CF_FMT_URI_REFERENCE] = "a URI reference (RFC 3986)",
        [CF_FMT_UUID] = "a UUID",
        [CF_FMT_JSON_POINTER] = "a JSON Pointer",
        [CF_FMT_REGEX] = "an ECMA-262 regular expression",
        [CF_FMT_BYTE] = "base64 (format byte)",
    };
    const char *w = (size_t)n->format < sizeof(what) / sizeof(what[0]) && what[n->format]
                        ? what[n->format]
                        : cf_schema_format_name(n->format);
    cf_schema_violation(v, n, "format", ip, "%s is not %s", shown, w);
}

void cf_schema_check_string(cf_schema_vctx *v, const cf_schema_node *n, const cJSON *inst,
                            const cf_schema_ipath *ip)
{
    const char *s = inst->valuestring ? inst->valuestring : "";
    size_t len = strlen(s);
    if (n->has & (CF_K_MIN_LENGTH | CF_K_MAX_LENGTH)) {
        size_t length = cf_utf8_length(s, len);
        char limit[64];
        if (length == (size_t)-1) {
            CF_SCHEMA_FAIL(n->has & CF_K_MIN_LENGTH ? "minLength" : "maxLength", ip,
                           "string is not valid UTF-8, so its length cannot be checked");
        } else if ((n->has & CF_K_MIN_LENGTH) && (double)length < n->min_length) {
            cf_schema_render_number(n->min_length, limit, sizeof(limit));
            CF_SCHEMA_FAIL("minLength", ip, "length %zu is below minLength %s", length, limit);
        } else if ((n->has & CF_K_MAX_LENGTH) && (double)length > n->max_length) {
            cf_schema_render_number(n->max_length, limit, sizeof(limit));
            CF_SCHEMA_FAIL("maxLength", ip, "length %zu exceeds maxLength %s", length, limit);
        }
    }
    if (n->pattern) {
        int m = cf_schema_regex_search(n->pattern, s, len);
        if (m == 0) {
            const cJSON *p = cf_schema_keyword(n->src, "pattern");
            char shown[VALUE_MAX];
            char pat[VALUE_MAX];
            cf_schema_render_string(s, len, shown, sizeof(shown));
            cf_schema_render_string(p->valuestring, strlen(p->valuestring), pat, sizeof(pat));
            CF_SCHEMA_FAIL("pattern", ip, "%s does not match the pattern %s", shown, pat);
        } else if (m < 0) {
            CF_SCHEMA_FAIL("pattern", ip, "matching the pattern exceeded the match limit");
        }
    }
    check_format(v, n, s, len, ip);
}

void cf_schema_check_number(cf_schema_vctx *v, const cf_schema_node *n, const cJSON *inst,
                            const cf_schema_ipath *ip)
{
    double x = inst->valuedouble;
    char got[64];
    char limit[64];
    unsigned has = n->has;
    if (!(has &
          (CF_K_MINIMUM | CF_K_MAXIMUM | CF_K_EX_MINIMUM | CF_K_EX_MAXIMUM | CF_K_MULTIPLE_OF)) &&
        n->format == CF_FMT_NONE)
        return;
    /* values are rendered only for a message: snprintf of a double is slow */
    if ((has & CF_K_MINIMUM) && !(x >= n->minimum)) { /* NaN fails too */
        cf_schema_render_number(x, got, sizeof(got));
        cf_schema_render_number(n->minimum, limit, sizeof(limit));
        CF_SCHEMA_FAIL("minimum", ip, "value %s is below minimum %s", got, limit);
    }
    if ((has & CF_K_MAXIMUM) && !(x <= n->maximum)) {
        cf_schema_render_number(x, got, sizeof(got));
        cf_schema_render_number(n->maximum, limit, sizeof(limit));
        CF_SCHEMA_FAIL("maximum", ip, "value %s exceeds maximum %s", got, limit);
    }
    if ((has & CF_K_EX_MINIMUM) && !(x > n->ex_minimum)) {
        cf_schema_render_number(x, got, sizeof(got));
        cf_schema_render_number(n->ex_minimum, limit, sizeof(limit));
        CF_SCHEMA_FAIL("exclusiveMinimum", ip, "value %s is not above exclusiveMinimum %s", got,
                       limit);
    }
    if ((has & CF_K_EX_MAXIMUM) && !(x < n->ex_maximum)) {
        cf_schema_render_number(x, got, sizeof(got));
        cf_schema_render_number(n->ex_maximum, limit, sizeof(limit));
        CF_SCHEMA_FAIL("exclusiveMaximum", ip, "value %s is not below exclusiveMaximum %s", got,
                       limit);
    }
    if (has & CF_K_MULTIPLE_OF) {
        /* Doubles cannot hold 0.1 exactly: a quotient within rounding of an integer counts. */
        double q = x / n->multiple_of;
        int ok = isfinite(q) && fabs(q - nearbyint(q)) <= 1e-9 * fmax(1.0, fabs(q));
        if (!ok) {
            cf_schema_render_number(x, got, sizeof(got));
            cf_schema_render_number(n->multiple_of, limit, sizeof(limit));
            CF_SCHEMA_FAIL("multipleOf", ip, "value %s is not a multiple of %s", got, limit);
        }
    }
    if (n->format != CF_FMT_NONE && !cf_schema_format_number(n->format, x)) {
        cf_schema_render_number(x, got, sizeof(got));
        CF_SCHEMA_FAIL("format", ip, "value %s does not fit format \"%s\"", got,
                       cf_schema_format_name(n->format));
    }
}

void cf_schema_check_object(cf_schema_vctx *v, const cf_schema_node *n, const cJSON *inst,
                            const cf_schema_ipath *ip, int idepth, int rdepth)
{
    if (n->has & (CF_K_MIN_PROPS | CF_K_MAX_PROPS)) {
        size_t count = 0;
        char limit[64];
        for (const cJSON *m = inst->child; m; m = m->next)
            count++;
        if ((n->has & CF_K_MIN_PROPS) && (double)count < n->min_props) {
            cf_schema_render_number(n->min_props, limit, sizeof(limit));
            CF_SCHEMA_FAIL("minProperties", ip, "%zu members is fewer than minProperties %s", count,
                           limit);
        }
        if ((n->has & CF_K_MAX_PROPS) && (double)count > n->max_props) {
            cf_schema_render_number(n->max_props, limit, sizeof(limit));
            CF_SCHEMA_FAIL("maxProperties", ip, "%zu members exceeds maxProperties %s", count,
                           limit);
        }
    }
    if (n->required && !cf_schema_required_present(n, inst)) {
        for (const cJSON *r = n->required->child; r; r = r->next) {
            if (cJSON_GetObjectItemCaseSensitive(inst, r->valuestring))
                continue;
            char name[VALUE_MAX];
            cf_schema_render_string(r->valuestring, strlen(r->valuestring), name, sizeof(name));
            CF_SCHEMA_FAIL("required", ip, "missing required member %s", name);
        }
    }
    for (const cJSON *m = inst->child; m; m = m->next) {
        const char *key = m->string ? m->string : "";
        cf_schema_ipath sub = {ip, key, 0};
        int matched = 0;
        size_t at = n->n_props ? cf_schema_property_at(n, key) : 0;
        const cf_schema_node *ps = at < n->n_props ? n->props[at].node : NULL;
        if (ps) {
            matched = 1;
            if (v->dir != CF_SCHEMA_ANY && ps->boolean < 0) {
                int ro = v->dir == CF_SCHEMA_REQUEST && (ps->has & CF_K_READ_ONLY);
                int wo = v->dir == CF_SCHEMA_RESPONSE && (ps->has & CF_K_WRITE_ONLY);
                if (ro || wo) {
                    char name[VALUE_MAX];
                    cf_schema_render_string(key, strlen(key), name, sizeof(name));
                    CF_SCHEMA_FAIL("properties", &sub, "member %s is %s: a %s must not carry it",
                                   name, ro ? "readOnly" : "writeOnly",
                                   ro ? "request" : "response");
                }
            }
            if (cf_schema_walk(v, ps, m, &sub, idepth + 1, rdepth + 1) && v->quick)
                return;
        }
        for (size_t i = 0; i < n->n_pattern_props; i++) {
            int hit = cf_schema_regex_search(n->pattern_props[i].re, key, strlen(key));
            if (hit < 0)
                CF_SCHEMA_FAIL("patternProperties", &sub,
                               "matching a member name exceeded the match limit");
            if (hit <= 0)
                continue;
            matched = 1;
            if (cf_schema_walk(v, n->pattern_props[i].node, m, &sub, idepth + 1, rdepth + 1) &&
                v->quick)
                return;
        }
        if (!matched && n->additional) {
            if (n->additional->boolean == 0) {
                char name[VALUE_MAX];
                cf_schema_render_string(key, strlen(key), name, sizeof(name));
                CF_SCHEMA_FAIL("additionalProperties", &sub,
                               "unexpected member %s (additionalProperties is false)", name);
            } else if (cf_schema_walk(v, n->additional, m, &sub, idepth + 1, rdepth + 1) &&
                       v->quick) {
                return;
            }
        }
        if (n->property_names) {
            /* the name as a string instance, on the stack: nothing is allocated */
            cJSON name;
            memset(&name, 0, sizeof(name));
            name.type = cJSON_String;
            name.valuestring = (char *)(uintptr_t)key;
            if (cf_schema_walk(v, n->property_names, &name, &sub, idepth + 1, rdepth + 1) &&
                v->quick)
                return;
        }
    }
    for (size_t i = 0; i < n->n_dependents; i++) {
        const cf_schema_dependent *d = &n->dependents[i];
        if (!cJSON_GetObjectItemCaseSensitive(inst, d->name))
            continue;
        if (d->node) {
            if (cf_schema_walk(v, d->node, inst, ip, idepth, rdepth + 1) && v->quick)
                return;
            continue;
        }
        for (const cJSON *r = d->names->child; r; r = r->next) {
            if (cJSON_GetObjectItemCaseSensitive(inst, r->valuestring))
                continue;
            char name[VALUE_MAX];
            char because[VALUE_MAX];
            cf_schema_render_string(r->valuestring, strlen(r->valuestring), name, sizeof(name));
            cf_schema_render_string(d->name, strlen(d->name), because, sizeof(because));
            CF_SCHEMA_FAIL(NULL, ip, "missing member %s, required when %s is present", name,
                           because);
        }
    }
}

void cf_schema_check_array(cf_schema_vctx *v, const cf_schema_node *n, const cJSON *inst,
                           const cf_schema_ipath *ip, int idepth, int rdepth)
{
    char limit[64];
    if (n->has & (CF_K_MIN_ITEMS | CF_K_MAX_ITEMS)) {
        size_t count = 0;
        for (const cJSON *e = inst->child; e; e = e->next)
            count++;
        if ((n->has & CF_K_MIN_ITEMS) && (double)count < n->min_items) {
            cf_schema_render_number(n->min_items, limit, sizeof(limit));
            CF_SCHEMA_FAIL("minItems", ip, "%zu items is fewer than minItems %s", count, limit);
        }
        if ((n->has & CF_K_MAX_ITEMS) && (double)count > n->max_items) {
            cf_schema_render_number(n->max_items, limit, sizeof(limit));
            CF_SCHEMA_FAIL("maxItems", ip, "%zu items exceeds maxItems %s", count, limit);
        }
    }
    if (n->has & CF_K_UNIQUE) {
        size_t i = 0;
        for (const cJSON *a = inst->child; a; a = a->next, i++) {
            size_t j = i + 1;
            for (const cJSON *b = a->next; b; b = b->next, j++)
                if (cf_schema_json_equal(a, b, 0))
                    CF_SCHEMA_FAIL("uniqueItems", ip, "items %zu and %zu are equal (uniqueItems)",
                                   i, j);
        }
    }
    size_t index = 0;
    size_t contained = 0;
    for (const cJSON *e = inst->child; e; e = e->next, index++) {
        cf_schema_ipath sub = {ip, NULL, index};
        const cf_schema_node *each = index < n->n_prefix_items ? n->prefix_items[index] : n->items;
        if (each && cf_schema_walk(v, each, e, &sub, idepth + 1, rdepth + 1) && v->quick)
            return;
        if (n->contains && cf_schema_passes(v, n->contains, e, &sub, idepth + 1, rdepth + 1))
            contained++;
    }
    if (n->contains) {
        double min = (n->has & CF_K_MIN_CONTAINS) ? n->min_contains : 1;
        if ((double)contained < min) {
            cf_schema_render_number(min, limit, sizeof(limit));
            CF_SCHEMA_FAIL("contains", ip, "%zu items match \"contains\", at least %s must",
                           contained, limit);
        }
        if ((n->has & CF_K_MAX_CONTAINS) && (double)contained > n->max_contains) {
            cf_schema_render_number(n->max_contains, limit, sizeof(limit));
            CF_SCHEMA_FAIL("maxContains", ip, "%zu items match \"contains\", at most %s may",
                           contained, limit);
        }
    }
}
