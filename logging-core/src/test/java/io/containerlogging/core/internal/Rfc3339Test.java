package io.containerlogging.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class Rfc3339Test {

    @Test
    @DisplayName("writes every day of years around leap-year rules as java.time does")
    void formatsEveryDay() {
        DateTimeFormatter reference = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
                .withZone(ZoneOffset.UTC);
        for (int year : List.of(0, 1, 4, 100, 400, 1600, 1900, 1969, 1970, 2000, 2023, 2024, 2100, 9999)) {
            for (LocalDate day = LocalDate.of(year, 1, 1); day.getYear() == year; day = day.plusDays(1)) {
                for (Instant time : List.of(day.atStartOfDay().toInstant(ZoneOffset.UTC),
                        day.atTime(23, 59, 59, 999_999_999).toInstant(ZoneOffset.UTC))) {
                    assertThat(Rfc3339.format(time)).isEqualTo(reference.format(time));
                }
            }
        }
        assertThat(Rfc3339.format(Instant.parse("-0001-12-31T23:59:59Z"))).isEqualTo("-0001-12-31T23:59:59Z");
        assertThat(Rfc3339.format(Instant.parse("+10000-01-01T00:00:00Z"))).isEqualTo("+10000-01-01T00:00:00Z");
        assertThatThrownBy(() -> Rfc3339.format(Instant.MAX)).isInstanceOf(DateTimeException.class);
    }

    @Test
    @DisplayName("the fast path reads every day of years around leap-year rules as java.time does")
    void everyDay() {
        for (int year : List.of(0, 1, 4, 100, 400, 1900, 1969, 1970, 2000, 2023, 2024, 2100, 9999)) {
            for (LocalDate day = LocalDate.of(year, 1, 1); day.getYear() == year; day = day.plusDays(1)) {
                Instant time = day.atTime(23, 59, 58, 123_456_789).toInstant(ZoneOffset.UTC);
                String text = Rfc3339.format(time);
                assertThat(text).hasSize(30);
                assertThat(Rfc3339.parse(text)).as(text).isEqualTo(time);
            }
        }
    }

    @Test
    @DisplayName("refuses dates that do not exist, as java.time does")
    void invalidDates() {
        for (String date : List.of("2023-02-29", "1900-02-29", "2024-02-30", "2023-04-31", "2023-06-31",
                "2023-09-31", "2023-11-31", "2023-13-01", "2023-00-10", "2023-01-00", "2023-01-32")) {
            String text = date + "T00:00:00.000000000Z";
            assertThatThrownBy(() -> Rfc3339.parse(text)).as(text).isInstanceOf(DateTimeException.class);
        }
        assertThat(Rfc3339.parse("2024-02-29T00:00:00.000000000Z")).isEqualTo(Instant.parse("2024-02-29T00:00:00Z"));
        assertThat(Rfc3339.parse("2000-02-29T00:00:00.000000000Z")).isEqualTo(Instant.parse("2000-02-29T00:00:00Z"));
    }
}
