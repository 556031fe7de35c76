/* text.c - makes result strings safe for a report: valid UTF-8, XML escaping, terminal-safe;
 * and numbers written as printf would. */
#include "report/report.h"
#include "base/utf8.h"
#include "report/internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* The replacement for character cp under flags: NULL keeps it as is, "" drops it. `next` is
 * the byte after it (0 at the end). */
static const char *transform(uint32_t cp, unsigned char next, unsigned flags)
{
    if ((flags & CF_CLEAN_ONE_LINE) && (cp == '\t' || cp == '\n' || cp == '\r'))
        return " ";
    if (flags & CF_CLEAN_XML) {
        switch (cp) {
        case '&':
            return "&amp;";
        case '<':
            return "&lt;";
        case '>':
            return "&gt;";
        case '"':
            return flags & CF_CLEAN_QUOTES ? "&quot;" : NULL;
        case '\'':
            return flags & CF_CLEAN_QUOTES ? "&apos;" : NULL;
        case '\r': /* a parser would turn it into \n */
            return (flags & CF_CLEAN_TERMINAL) && next == '\n' ? "" : "&#13;";
        default:
            break;
        }
        if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0xFFFE || cp == 0xFFFF)
            return REPLACEMENT;
    }
    if (flags & CF_CLEAN_TERMINAL) {
        if (cp == '\r')
            return next == '\n' ? "" : REPLACEMENT;
        if ((cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7F && cp <= 0x9F))
            return REPLACEMENT;
        if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
            return REPLACEMENT;
    }
    return NULL;
}

/* Whether ASCII byte c is kept as it is under flags whatever follows it: the common case,
 * decided without decoding. */
static int plain_ascii(unsigned char c, unsigned flags)
{
    if (c >= 0x80)
        return 0;
    if (flags == 0)
        return 1;
    if (c < 0x20 || c == 0x7F)
        return 0;
    return !(flags & CF_CLEAN_XML) || (c != '&' && c != '<' && c != '>' && c != '"' && c != '\'');
}

cf_rc cf_report_clean(cf_buf *out, const char *s, size_t max, unsigned flags)
{
    if (!s)
        return CF_OK;
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0, plain = 0; /* plain: start of bytes kept as they are */
    cf_rc rc = CF_OK;
    size_t stop = n < max ? n : max; /* the plain bytes a run may take */
    while (i < n && rc == CF_OK) {
        /* Nearly every byte is plain ASCII: the run is skipped in a tight loop and copied
         * once it ends. */
        while (i < stop && plain_ascii(p[i], flags))
            i++;
        if (i >= n)
            break;
        uint32_t cp = 0;
        size_t len = cf_utf8_next(p + i, n - i, &cp);
        size_t take = len ? len : 1;
        if (take > max - i || i > max)
            break;
        const char *with = len ? transform(cp, i + len < n ? p[i + len] : 0, flags) : REPLACEMENT;
        if (with) {
            rc = cf_buf_add(out, p + plain, i - plain);
            if (rc == CF_OK)
                rc = cf_buf_adds(out, with);
            plain = i + take;
        }
        i += take;
    }
    if (rc == CF_OK)
        rc = cf_buf_add(out, p + plain, i - plain);
    if (rc == CF_OK && i < n)
        rc = cf_buf_addf(out, "... (%zu more bytes)", n - i);
    return rc;
}

cf_rc cf_report_put_fixed(cf_buf *out, double v, int decimals)
{
    static const double scale[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6};
    char text[352]; /* "%.6f" of the largest double */
    if (decimals >= 0 && decimals <= 6) {
        double f = v * scale[decimals];
        double tie = f - floor(f) - 0.5;
        if (v >= 0 && !signbit(v) && f < 1e9 && (tie > 1e-6 || tie < -1e-6)) {
            unsigned long long k = (unsigned long long)llround(f);
            char *p = text + sizeof(text);
            *--p = '\0';
            for (int i = 0; i < decimals; i++, k /= 10)
                *--p = (char)('0' + k % 10);
            if (decimals)
                *--p = '.';
            for (;; k /= 10) {
                *--p = (char)('0' + k % 10);
                if (k < 10)
                    break;
            }
            return cf_buf_adds(out, p);
        }
    }
    snprintf(text, sizeof(text), "%.*f", decimals, v);
    return cf_buf_adds(out, text);
}
