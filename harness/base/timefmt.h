/* timefmt.h - RFC 3339 / ISO 8601 timestamps: parse to epoch milliseconds, format. */
#ifndef CF_TIMEFMT_H
#define CF_TIMEFMT_H

/* Memory: nothing is allocated; every function writes into the caller's storage. */

#include <stddef.h>
#include <stdint.h>

/* Parses an RFC 3339 date-time ("2025-01-01T00:00:00Z", "...T00:00:00.123+02:00"; 'T'/'Z'
 * case-insensitive, fractional seconds of any length). Returns 1 and sets *ms_utc (epoch
 * milliseconds, UTC) when valid, 0 otherwise. Checks field ranges including days per month
 * and leap years; accepts second 60 (leap second). `s` need not be NUL-terminated. */
int cf_time_parse_rfc3339(const char *s, size_t len, int64_t *ms_utc);

/* Whether the timestamp has exactly three fractional digits and a 'Z' suffix, as AWS's
 * ISO8601 "yyyy-MM-ddThh:mm:ss.SSSZ" (e.g. 2019-11-08T02:41:28.172Z). */
int cf_time_is_iso_millis(const char *s, size_t len);

/* Formats epoch ms as "YYYY-MM-DDThh:mm:ss.SSSZ" into out (needs 25 bytes). */
void cf_time_format_millis(int64_t ms_utc, char out[25]);

/* Wall-clock now, epoch ms. */
int64_t cf_time_now_ms(void);
/* Monotonic clock, ms, for durations. */
double cf_time_mono_ms(void);

#endif
