#include "sizes.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const size_t mm_size_max = MM_SIZE_MAX, mm_sizes_max_count = MM_SIZES_MAX_COUNT;

int mm_size_parse(const char *text, size_t *out, char *err, size_t errlen) {
  const char *p = text;
  if (!isdigit((unsigned char)*p)) {
    snprintf(err, errlen, "bad size '%s': expected a number such as 64, 1K or 4M", text);
    return -1;
  }
  errno = 0;
  char *end;
  unsigned long long value = strtoull(p, &end, 10);
  if (errno == ERANGE) {
    snprintf(err, errlen, "bad size '%s': number out of range", text);
    return -1;
  }
  unsigned shift = 0;
  switch (toupper((unsigned char)*end)) {
    case 'K': shift = 10; end++; break;
    case 'M': shift = 20; end++; break;
    case 'G': shift = 30; end++; break;
    default: break;
  }
  if (strcasecmp(end, "B") == 0 || (shift && strcasecmp(end, "iB") == 0)) end += strlen(end);
  if (*end != '\0') {
    snprintf(err, errlen, "bad size '%s': unknown suffix '%s' (use K, M or G)", text, end);
    return -1;
  }
  if (value > (MM_SIZE_MAX >> shift)) {
    snprintf(err, errlen, "size '%s' exceeds the largest MPI message (%zu bytes)", text,
             MM_SIZE_MAX);
    return -1;
  }
  *out = (size_t)(value << shift);
  return 0;
}

static int add_size(mm_sizes *out, size_t size, char *err, size_t errlen) {
  for (size_t i = 0; i < out->n; i++) {
    if (out->v[i] == size) {
      snprintf(err, errlen, "size %zu is listed twice", size);
      return -1;
    }
  }
  if (out->n == MM_SIZES_MAX_COUNT) {
    snprintf(err, errlen, "too many sizes (at most %d)", MM_SIZES_MAX_COUNT);
    return -1;
  }
  out->v[out->n++] = size;
  return 0;
}

static int parse_range(const char *text, const char *colon, mm_sizes *out, char *err,
                       size_t errlen) {
  char min_text[64], max_text[64];
  size_t min_len = (size_t)(colon - text);
  if (min_len == 0 || min_len >= sizeof min_text || strlen(colon + 1) >= sizeof max_text ||
      strchr(colon + 1, ':')) {
    snprintf(err, errlen, "bad size range '%s': expected MIN:MAX such as 1:4M", text);
    return -1;
  }
  memcpy(min_text, text, min_len);
  min_text[min_len] = '\0';
  strcpy(max_text, colon + 1);
  size_t lo, hi;
  if (mm_size_parse(min_text, &lo, err, errlen) || mm_size_parse(max_text, &hi, err, errlen))
    return -1;
  if (lo > hi) {
    snprintf(err, errlen, "bad size range '%s': MIN is larger than MAX", text);
    return -1;
  }
  if (lo == 0) {
    if (add_size(out, 0, err, errlen)) return -1;
    lo = 1;
  }
  for (size_t s = lo; s <= hi && s != 0; s = s <= hi / 2 ? s * 2 : 0)
    if (add_size(out, s, err, errlen)) return -1;
  return 0;
}

int mm_sizes_parse(const char *text, mm_sizes *out, char *err, size_t errlen) {
  out->n = 0;
  if (!text || !*text) {
    snprintf(err, errlen, "empty size list");
    return -1;
  }
  const char *colon = strchr(text, ':');
  if (colon) {
    if (strchr(text, ',')) {
      snprintf(err, errlen, "bad sizes '%s': use either MIN:MAX or a list, not both", text);
      return -1;
    }
    return parse_range(text, colon, out, err, errlen);
  }
  const char *p = text;
  for (;;) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    char item[64];
    if (len == 0 || len >= sizeof item) {
      snprintf(err, errlen, "bad size list '%s': empty or overlong item", text);
      return -1;
    }
    memcpy(item, p, len);
    item[len] = '\0';
    size_t size;
    if (mm_size_parse(item, &size, err, errlen) || add_size(out, size, err, errlen)) return -1;
    if (!comma) break;
    p = comma + 1;
  }
  return 0;
}

size_t mm_sizes_max(const mm_sizes *s) {
  size_t m = 0;
  for (size_t i = 0; i < s->n; i++)
    if (s->v[i] > m) m = s->v[i];
  return m;
}

const char *mm_bytes_human(double bytes, char *buf, size_t len) {
  const double mib = 1048576.0, gib = 1073741824.0;
  if (bytes < mib) snprintf(buf, len, "%.0f B", bytes);
  else if (bytes < gib) snprintf(buf, len, "%.2f MiB", bytes / mib);
  else snprintf(buf, len, "%.2f GiB", bytes / gib);
  return buf;
}

const char *mm_size_human(size_t bytes, char *buf, size_t len) {
  static const char *units[] = {"B", "KiB", "MiB", "GiB"};
  size_t u = 0, v = bytes;
  while (u < 3 && v >= 1024 && v % 1024 == 0) {
    v /= 1024;
    u++;
  }
  snprintf(buf, len, "%zu %s", v, units[u]);
  return buf;
}
