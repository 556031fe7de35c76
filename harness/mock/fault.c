/* fault.c - parsing of the mock's --fault NAME=VALUE texts. */
#include "mock/mock.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LATENCY_MAX_MS 600000L /* ten minutes: past that it is a hang, not a latency */
#define THROTTLE_MAX 1000000.0

/* A whole-string decimal number; 0 when there are other characters or none. */
static int parse_double(const char *s, double *out)
{
    if (!*s || *s == ' ' || *s == '\t' || *s == '+' || *s == '-')
        return 0;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || !end || *end != '\0' || !isfinite(v))
        return 0;
    /* strtod also takes "inf", "nan" and hex; only plain decimals are meant here */
    for (const char *p = s; p < end; p++)
        if (!((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E' || *p == '-' ||
              *p == '+'))
            return 0;
    *out = v;
    return 1;
}

static int parse_ulong(const char *s, unsigned long *out)
{
    if (!*s)
        return 0;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    errno = 0;
    unsigned long v = strtoul(s, NULL, 10);
    if (errno)
        return 0;
    *out = v;
    return 1;
}

static int is_code_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

static cf_rc fail(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
    snprintf(err, errlen, fmt, a, b);
    return CF_E_USAGE;
}

cf_rc cf_mock_fault_parse(const char *text, cf_mock_faults *faults, char *err, size_t errlen)
{
    const char *eq = strchr(text, '=');
    if (!eq)
        return fail(err, errlen,
                    "fault '%s' has no '='; write NAME=VALUE, e.g. latency=200, "
                    "error-rate=0.1, throttle=5/s or quota=10%s",
                    text, "");
    size_t name_len = (size_t)(eq - text);
    const char *value = eq + 1;
    char name[32];
    if (name_len >= sizeof(name))
        name_len = sizeof(name) - 1;
    memcpy(name, text, name_len);
    name[name_len] = '\0';
    cf_mock_faults f = *faults;

    if (strcmp(name, "latency") == 0) {
        char digits[32];
        size_t n = strlen(value);
        if (n > 2 && strcmp(value + n - 2, "ms") == 0)
            n -= 2;
        unsigned long ms = 0;
        if (n >= sizeof(digits))
            n = sizeof(digits) - 1;
        memcpy(digits, value, n);
        digits[n] = '\0';
        if (!parse_ulong(digits, &ms) || ms > (unsigned long)LATENCY_MAX_MS)
            return fail(err, errlen,
                        "fault latency=%s: expected milliseconds, a whole number 0..600000%s",
                        value, "");
        f.latency_ms = (long)ms;
    } else if (strcmp(name, "error-rate") == 0) {
        char rate[64];
        const char *colon = strchr(value, ':');
        size_t n = colon ? (size_t)(colon - value) : strlen(value);
        double p = 0;
        if (n >= sizeof(rate))
            n = sizeof(rate) - 1;
        memcpy(rate, value, n);
        rate[n] = '\0';
        if (!parse_double(rate, &p) || p < 0 || p > 1)
            return fail(err, errlen,
                        "fault error-rate=%s: expected a probability 0..1, optionally followed "
                        "by :CODE (error-rate=0.2 or error-rate=1:THROTTLED)%s",
                        value, "");
        const char *code = colon ? colon + 1 : "";
        size_t code_len = strlen(code);
        if (colon && code_len == 0)
            return fail(err, errlen, "fault error-rate=%s: the code after ':' is empty%s", value,
                        "");
        if (code_len >= sizeof(f.error_code))
            return fail(err, errlen, "fault error-rate=%s: the code is too long%s", value, "");
        for (size_t i = 0; i < code_len; i++)
            if (!is_code_char(code[i]))
                return fail(err, errlen,
                            "fault error-rate=%s: '%s' is not an error code or role name", value,
                            code);
        f.error_rate = p;
        memcpy(f.error_code, code, code_len + 1);
    } else if (strcmp(name, "throttle") == 0) {
        char rate[64];
        size_t n = strlen(value);
        if (n > 2 && strcmp(value + n - 2, "/s") == 0)
            n -= 2;
        double r = 0;
        if (n >= sizeof(rate))
            n = sizeof(rate) - 1;
        memcpy(rate, value, n);
        rate[n] = '\0';
        if (!parse_double(rate, &r) || !(r > 0) || r > THROTTLE_MAX)
            return fail(err, errlen,
                        "fault throttle=%s: expected requests per second per caller, a number "
                        "above 0 written N/s (throttle=5/s)%s",
                        value, "");
        f.throttle_per_s = r;
    } else if (strcmp(name, "quota") == 0) {
        unsigned long q = 0;
        if (!parse_ulong(value, &q))
            return fail(err, errlen,
                        "fault quota=%s: expected the number of resources each caller may "
                        "create, a whole number (quota=10)%s",
                        value, "");
        f.quota = q;
        f.quota_set = 1;
    } else {
        return fail(err, errlen,
                    "unknown fault '%s'; the faults are latency=MS, error-rate=P[:CODE], "
                    "throttle=N/s and quota=N%s",
                    name, "");
    }
    *faults = f;
    return CF_OK;
}
