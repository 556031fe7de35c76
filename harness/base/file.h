/* file.h - reading a whole regular file into memory, bounded. */
#ifndef CF_FILE_H
#define CF_FILE_H

#include <stddef.h>

#include "base/buf.h"
#include "base/rc.h"

/* Reads the regular file at `path` into `out` (initialised here with maximum `max`). FIFOs,
 * directories and devices are refused without blocking. Returns CF_OK; CF_E_IO (cannot open,
 * not a regular file, read error) with the reason in err; CF_E_TOO_LARGE when the file has
 * more than `max` bytes; CF_E_NOMEM. Memory: on success the caller frees `out` with
 * cf_buf_free(); on failure `out` is empty. */
CF_WUR cf_rc cf_file_read(const char *path, size_t max, cf_buf *out, char *err, size_t errlen);

#endif
