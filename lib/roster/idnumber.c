/* Resident ID numbers (GB 11643-1999): 6-digit region, 8-digit birth date,
 * 3-digit sequence whose last digit is odd for men, and an ISO 7064
 * MOD 11-2 check character.  Shared with tests/tools/rostergen, which makes
 * valid fake numbers with gpi_id_check_char.  Unlike common validators we
 * reject birth dates in the future. */
#include "roster/roster.h"
#include "excel_number.h"

#include <string.h>

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

char gpi_id_check_char(const char *first17)
{
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char check[] = "10X98765432";
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (first17[i] - '0') * weights[i];
    return check[sum % 11];
}

bool gpi_excel_scientific(const char *s)
{
    const char *p = s;
    if (!(*p >= '0' && *p <= '9'))
        return false;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p != 'E' && *p != 'e')
        return false;
    p++;
    if (*p == '+')
        p++;
    if (!(*p >= '0' && *p <= '9'))
        return false;
    while (*p >= '0' && *p <= '9')
        p++;
    return *p == '\0';
}

static bool is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* YYYYMMDD as a real calendar date from 1900 on, not after today. */
static bool birth_date_ok(const char *digits8, int today)
{
    int date = 0;
    for (int i = 0; i < 8; i++)
        date = date * 10 + (digits8[i] - '0');
    int year = date / 10000, month = date / 100 % 100, day = date % 100;
    static const int month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1900 || month < 1 || month > 12 || day < 1)
        return false;
    int days = month_days[month - 1] + (month == 2 && is_leap(year));
    return day <= days && date <= today;
}

gpi_id_verdict gpi_id_validate(const char *id, int today, char *expected_check)
{
    if (gpi_excel_scientific(id))
        return GPI_ID_SCIENTIFIC;
    if (strlen(id) != 18 || !all_digits(id, 17) ||
        !((id[17] >= '0' && id[17] <= '9') || id[17] == 'X'))
        return GPI_ID_FORMAT;
    if (!birth_date_ok(id + 6, today))
        return GPI_ID_BIRTHDATE;
    char check = gpi_id_check_char(id);
    if (check != id[17]) {
        if (expected_check)
            *expected_check = check;
        return GPI_ID_CHECKSUM;
    }
    return GPI_ID_OK;
}

int gpi_id_sex(const char *id)
{
    if (strlen(id) < 17 || !all_digits(id, 17))
        return 0;
    return (id[16] - '0') % 2 ? 1 : 2;
}
