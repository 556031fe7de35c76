/* schema_format.c - the asserted values of "format": dates and times (RFC 3339), durations,
 * email, hostnames, IP addresses, URIs (RFC 3986), UUIDs, JSON Pointers, regexes, OpenAPI's
 * numeric formats and base64. */
#include "contract/schema.h"
#include "contract/schema_internal.h"

#include <math.h>
#include <string.h>

static const char *const format_names[] = {NULL,
#define CF_FMT_NAME(name, text) text,
                                           CF_SCHEMA_FORMAT_MAP(CF_FMT_NAME)
#undef CF_FMT_NAME
};

cf_schema_format cf_schema_format_of(const char *name)
{
    for (size_t i = 1; i < sizeof(format_names) / sizeof(format_names[0]); i++)
        if (strcmp(name, format_names[i]) == 0)
            return (cf_schema_format)i;
    return CF_FMT_UNKNOWN;
}

const char *cf_schema_format_name(cf_schema_format f)
{
    if ((size_t)f == 0 || (size_t)f >= sizeof(format_names) / sizeof(format_names[0]))
        return "unknown";
    return format_names[f];
}

static int digit(char c)
{
    return c >= '0' && c <= '9';
}

static int alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int hex(char c)
{
    return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* n digits at s as a number; -1 when not all digits. */
static int num(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!digit(s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* ---- dates and times (RFC 3339 section 5.6) ---------------------------------------------- */

static int full_date(const char *s, size_t len)
{
    if (len != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    int y = num(s, 4), m = num(s + 5, 2), d = num(s + 8, 2);
    if (y < 0 || m < 1 || m > 12 || d < 1)
        return 0;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

/* full-time: hh:mm:ss[.frac](Z|+hh:mm); a leap second only where it is 23:59:60 UTC. */
static int full_time(const char *s, size_t len)
{
    if (len < 9 || s[2] != ':' || s[5] != ':')
        return 0;
    int h = num(s, 2), m = num(s + 3, 2), sec = num(s + 6, 2);
    if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60)
        return 0;
    size_t i = 8;
    if (i < len && s[i] == '.') {
        size_t start = ++i;
        while (i < len && digit(s[i]))
            i++;
        if (i == start)
            return 0;
    }
    int off = 0;
    if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    } else if (i < len && (s[i] == '+' || s[i] == '-')) {
        if (len - i != 6 || s[i + 3] != ':')
            return 0;
        int oh = num(s + i + 1, 2), om = num(s + i + 4, 2);
        if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return 0;
        off = (oh * 60 + om) * (s[i] == '+' ? 1 : -1);
        i += 6;
    } else {
        return 0;
    }
    if (i != len)
        return 0;
    if (sec == 60) {
        int utc = ((h * 60 + m - off) % 1440 + 1440) % 1440;
        if (utc != 23 * 60 + 59)
            return 0;
    }
    return 1;
}

static int date_time(const char *s, size_t len)
{
    return len > 11 && (s[10] == 'T' || s[10] == 't') && full_date(s, 10) &&
           full_time(s + 11, len - 11);
}

/* ISO 8601 durations as RFC 3339 appendix A writes them: PnYnMnDTnHnMnS or PnW. */
static int duration(const char *s, size_t len)
{
    static const char date_units[] = "YMD";
    static const char time_units[] = "HMS";
    if (len < 3 || s[0] != 'P')
        return 0;
    size_t i = 1;
    if (s[len - 1] == 'W') {
        for (i = 1; i < len - 1; i++)
            if (!digit(s[i]))
                return 0;
        return 1;
    }
    int any = 0;
    size_t unit = 0; /* units must come in order */
    int in_time = 0, time_any = 0;
    while (i < len) {
        if (s[i] == 'T') {
            if (in_time)
                return 0;
            in_time = 1;
            unit = 0;
            i++;
            continue;
        }
        size_t start = i;
        while (i < len && digit(s[i]))
            i++;
        if (i == start || i == len)
            return 0;
        const char *units = in_time ? time_units : date_units;
        const char *u = strchr(units + unit, s[i]);
        if (!u || s[i] == '\0')
            return 0;
        /* RFC 3339 appendix A: each unit may only be followed by the next one (Y M D, H M S) */
        if (unit && (size_t)(u - units) != unit)
            return 0;
        unit = (size_t)(u - units) + 1;
        any = 1;
        time_any |= in_time;
        i++;
    }
    return any && (!in_time || time_any);
}

/* ---- names and addresses ----------------------------------------------------------------- */

static int ipv4(const char *s, size_t len)
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part) {
            if (i >= len || s[i] != '.')
                return 0;
            i++;
        }
        size_t start = i;
        while (i < len && digit(s[i]) && i - start < 4)
            i++;
        size_t n = i - start;
        if (n == 0 || n > 3 || (n > 1 && s[start] == '0') || num(s + start, n) > 255)
            return 0;
    }
    return i == len;
}

static int ipv6(const char *s, size_t len)
{
    int groups = 0, gap = 0;
    size_t i = 0;
    if (len >= 2 && s[0] == ':' && s[1] == ':') {
        gap = 1;
        i = 2;
        if (i == len)
            return 1;
    } else if (len && s[0] == ':') {
        return 0;
    }
    while (i < len) {
        size_t start = i;
        while (i < len && hex(s[i]) && i - start < 5)
            i++;
        size_t n = i - start;
        if (i < len && s[i] == '.') { /* an IPv4 tail takes two groups */
            if (!ipv4(s + start, len - start))
                return 0;
            groups += 2;
            i = len;
            break;
        }
        if (n == 0 || n > 4)
            return 0;
        groups++;
        if (i == len)
            break;
        if (s[i] != ':')
            return 0;
        i++;
        if (i < len && s[i] == ':') {
            if (gap)
                return 0;
            gap = 1;
            i++;
            if (i == len)
                break;
        } else if (i == len) {
            return 0;
        }
    }
    return gap ? groups <= 7 : groups == 8;
}

/* A hostname (RFC 1123): dot-separated labels of 1..63 letters, digits and hyphens, not
 * starting or ending with a hyphen, 253 bytes at most. A-labels ("xn--") are not decoded. */
static int hostname(const char *s, size_t len)
{
    if (len == 0 || len > 253)
        return 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '.') {
            if (!alpha(s[i]) && !digit(s[i]) && s[i] != '-')
                return 0;
            continue;
        }
        size_t n = i - start;
        if (n == 0 || n > 63 || s[start] == '-' || s[i - 1] == '-')
            return 0;
        start = i + 1;
    }
    return 1;
}

/* email (RFC 5321 Mailbox): dot-atom or quoted local part, then a hostname or an address
 * literal ("[127.0.0.1]", "[IPv6:::1]"). */
static int email(const char *s, size_t len)
{
    static const char atext[] = "!#$%&'*+-/=?^_`{|}~";
    const char *at = NULL;
    size_t i = 0;
    if (len && s[0] == '"') {
        for (i = 1; i < len && s[i] != '"'; i++) {
            if (s[i] == '\\' && i + 1 < len)
                i++;
            else if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E)
                return 0;
        }
        if (i >= len || i + 1 >= len || s[i + 1] != '@')
            return 0;
        at = s + i + 1;
    } else {
        for (i = 0; i < len && s[i] != '@'; i++) {
            char c = s[i];
            if (c == '.') {
                if (i == 0 || s[i - 1] == '.' || i + 1 >= len || s[i + 1] == '@')
                    return 0;
            } else if (!alpha(c) && !digit(c) && !(c && strchr(atext, c))) {
                return 0;
            }
        }
        if (i == 0 || i >= len)
            return 0;
        at = s + i;
    }
    const char *d = at + 1;
    size_t dl = len - (size_t)(d - s);
    if (dl >= 2 && d[0] == '[' && d[dl - 1] == ']') {
        if (dl > 7 && strncmp(d + 1, "IPv6:", 5) == 0)
            return ipv6(d + 6, dl - 7);
        return ipv4(d + 1, dl - 2);
    }
    return hostname(d, dl);
}

static int uuid(const char *s, size_t len)
{
    if (len != 36)
        return 0;
    for (size_t i = 0; i < 36; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !hex(s[i]))
            return 0;
    }
    return 1;
}

static int json_pointer(const char *s, size_t len)
{
    if (len && s[0] != '/')
        return 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '~' && (i + 1 >= len || (s[i + 1] != '0' && s[i + 1] != '1')))
            return 0;
    return 1;
}

static int base64(const char *s, size_t len)
{
    if (len % 4)
        return 0;
    size_t pad = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '=') {
            pad++;
            if (i + 2 < len)
                return 0;
        } else if (pad || !(alpha(c) || digit(c) || c == '+' || c == '/')) {
            return 0;
        }
    }
    return 1;
}

/* ---- URIs (RFC 3986, strictly) ----------------------------------------------------------- */

/* The sets run() accepts besides unreserved and sub-delims (URI_BASE), as bits. */
enum { URI_COLON = 1, URI_AT_SLASH = 2, URI_QUERY = 4, URI_BASE = 8, URI_PERCENT = 16 };

/* The set of each byte (none for NUL and non-ASCII), as a table built by the compiler: looked
 * up once per character of every URI (a GitHub repository object holds ~50). URI_BASE: ALPHA,
 * DIGIT, the rest of unreserved "-._~" and the sub-delims "!$&'()*+,;=". */
#define URI_CLASS(c)                                                                               \
    ((((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') || ((c) >= '0' && (c) <= '9') ||    \
      (c) == '-' || (c) == '.' || (c) == '_' || (c) == '~' || (c) == '!' || (c) == '$' ||          \
      (c) == '&' || (c) == '\'' || (c) == '(' || (c) == ')' || (c) == '*' || (c) == '+' ||         \
      (c) == ',' || (c) == ';' || (c) == '=')                                                      \
         ? URI_BASE                                                                                \
     : (c) == ':'               ? URI_COLON                                                        \
     : (c) == '@' || (c) == '/' ? URI_AT_SLASH                                                     \
     : (c) == '?'               ? URI_QUERY                                                        \
     : (c) == '%'               ? URI_PERCENT                                                      \
                                : 0)
#define URI_CLASS4(c) URI_CLASS(c), URI_CLASS((c) + 1), URI_CLASS((c) + 2), URI_CLASS((c) + 3)
#define URI_CLASS16(c) URI_CLASS4(c), URI_CLASS4((c) + 4), URI_CLASS4((c) + 8), URI_CLASS4((c) + 12)
#define URI_CLASS64(c)                                                                             \
    URI_CLASS16(c), URI_CLASS16((c) + 16), URI_CLASS16((c) + 32), URI_CLASS16((c) + 48)
static const unsigned char uri_classes[256] = {URI_CLASS64(0), URI_CLASS64(64), URI_CLASS64(128),
                                               URI_CLASS64(192)};

/* Length of the run at s[i..end) of characters of the `extra` sets (URI_* bits) plus
 * unreserved, sub-delims and percent-encodings; (size_t)-1 at a bad percent-encoding. */
static size_t run(const char *s, size_t i, size_t end, unsigned extra)
{
    size_t start = i;
    unsigned allowed = extra | URI_BASE;
    while (i < end) {
        unsigned k = uri_classes[(unsigned char)s[i]];
        if (k & allowed) {
            i++;
        } else if (k & URI_PERCENT) {
            if (i + 2 >= end)
                return (size_t)-1;
            if (!hex(s[i + 1]) || !hex(s[i + 2]))
                return (size_t)-1;
            i += 3;
        } else {
            break;
        }
    }
    return i - start;
}

static int authority(const char *s, size_t len)
{
    const char *at = memchr(s, '@', len);
    if (at) {
        size_t n = (size_t)(at - s);
        if (run(s, 0, n, URI_COLON) != n)
            return 0;
        len -= n + 1;
        s = at + 1;
    }
    size_t host_end;
    if (len && s[0] == '[') {
        const char *close = memchr(s, ']', len);
        if (!close)
            return 0;
        size_t n = (size_t)(close - s) - 1;
        int future = n && (s[1] == 'v' || s[1] == 'V');
        if (!future && !ipv6(s + 1, n))
            return 0;
        host_end = n + 2;
    } else {
        host_end = run(s, 0, len, 0);
        if (host_end == (size_t)-1)
            return 0;
    }
    if (host_end == len)
        return 1;
    if (s[host_end] != ':')
        return 0;
    for (size_t i = host_end + 1; i < len; i++)
        if (!digit(s[i]))
            return 0;
    return 1;
}

/* hier-part or relative-part, then ?query and #fragment; `relative` forbids a ':' in the
 * first segment of a rootless path. */
static int uri_rest(const char *s, size_t len, int relative)
{
    size_t end = len;
    const char *hash = memchr(s, '#', len);
    if (hash) {
        size_t f = (size_t)(hash - s) + 1;
        if (run(s, f, len, URI_COLON | URI_AT_SLASH | URI_QUERY) != len - f)
            return 0;
        end = (size_t)(hash - s);
    }
    const char *q = memchr(s, '?', end);
    if (q) {
        size_t f = (size_t)(q - s) + 1;
        if (run(s, f, end, URI_COLON | URI_AT_SLASH | URI_QUERY) != end - f)
            return 0;
        end = (size_t)(q - s);
    }
    size_t i = 0;
    if (end >= 2 && s[0] == '/' && s[1] == '/') {
        size_t a = 2;
        while (a < end && s[a] != '/')
            a++;
        if (!authority(s + 2, a - 2))
            return 0;
        i = a;
    }
    if (relative && i == 0) {
        size_t seg = 0;
        while (seg < end && s[seg] != '/')
            seg++;
        if (memchr(s, ':', seg))
            return 0;
    }
    return run(s, i, end, URI_COLON | URI_AT_SLASH) == end - i;
}

static int uri(const char *s, size_t len)
{
    if (!len || !alpha(s[0]))
        return 0;
    size_t i = 1;
    while (i < len && (alpha(s[i]) || digit(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
        i++;
    if (i >= len || s[i] != ':')
        return 0;
    return uri_rest(s + i + 1, len - i - 1, 0);
}

static int uri_reference(const char *s, size_t len)
{
    return uri(s, len) || uri_rest(s, len, 1);
}

int cf_schema_uri_is_https(const char *s)
{
    static const char want[] = "https:";
    for (size_t i = 0; i < sizeof(want) - 1; i++)
        if (cf_schema_lower(s[i]) != want[i])
            return 1;
    if (strncmp(s + 6, "//", 2) != 0)
        return 2;
    const char *auth = s + 8;
    size_t end = strcspn(auth, "/?#");
    size_t host = 0;
    for (size_t i = 0; i < end; i++)
        if (auth[i] == '@')
            host = i + 1;
    if (host < end && auth[host] == '[')
        return 0;
    size_t host_end = host;
    while (host_end < end && auth[host_end] != ':')
        host_end++;
    return host_end > host ? 0 : 2;
}

/* ---- dispatch ---------------------------------------------------------------------------- */

int cf_schema_format_string(cf_schema_format f, const char *s, size_t len)
{
    switch (f) {
    case CF_FMT_DATE_TIME:
        return date_time(s, len);
    case CF_FMT_DATE:
        return full_date(s, len);
    case CF_FMT_TIME:
        return full_time(s, len);
    case CF_FMT_DURATION:
        return duration(s, len);
    case CF_FMT_EMAIL:
        return email(s, len);
    case CF_FMT_HOSTNAME:
        return hostname(s, len);
    case CF_FMT_IPV4:
        return ipv4(s, len);
    case CF_FMT_IPV6:
        return ipv6(s, len);
    case CF_FMT_URI:
        return uri(s, len);
    case CF_FMT_URI_REFERENCE:
        return uri_reference(s, len);
    case CF_FMT_UUID:
        return uuid(s, len);
    case CF_FMT_JSON_POINTER:
        return json_pointer(s, len);
    case CF_FMT_BYTE:
        return base64(s, len);
    case CF_FMT_REGEX: {
        cf_schema_regex *re = NULL;
        char err[8];
        cf_rc rc = cf_schema_regex_compile(s, len, &re, err, sizeof(err));
        cf_schema_regex_free(re);
        return rc != CF_E_INVALID; /* out of memory: not the value's fault */
    }
    default:
        return 1; /* numeric formats say nothing about strings */
    }
}

int cf_schema_format_number(cf_schema_format f, double x)
{
    switch (f) {
    case CF_FMT_INT32:
        return floor(x) == x && x >= -2147483648.0 && x <= 2147483647.0;
    case CF_FMT_INT64:
        return floor(x) == x && x >= -9223372036854775808.0 && x < 9223372036854775808.0;
    case CF_FMT_FLOAT:
        return isfinite(x) && fabs(x) <= 3.4028234663852886e38;
    default:
        return 1;
    }
}
