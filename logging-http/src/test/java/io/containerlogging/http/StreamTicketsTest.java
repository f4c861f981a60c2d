package io.containerlogging.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("StreamTickets")
class StreamTicketsTest {

    static final class MutableClock extends Clock {
        Instant now = Instant.ofEpochSecond(1_700_000_000);

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final MutableClock clock = new MutableClock();
    final StreamTickets tickets = new StreamTickets(clock);

    @Test
    @DisplayName("a ticket is accepted until it expires, then never")
    void expires() {
        String ticket = tickets.issue(QueryParameters.parse("serviceName=web"));
        clock.now = clock.now.plus(StreamTickets.TTL).minusMillis(1);
        assertThat(tickets.accepts(ticket, QueryParameters.parse("serviceName=web"))).isTrue();
        clock.now = clock.now.plusMillis(1);
        assertThat(tickets.accepts(ticket, QueryParameters.parse("serviceName=web"))).isFalse();
    }

    @Test
    @DisplayName("a ticket whose expiry was moved later is refused: the expiry is signed")
    void expirySigned() {
        String ticket = tickets.issue(QueryParameters.parse("serviceName=web"));
        long expiry = StreamTickets.expiry(ticket);
        String moved = (expiry + Duration.ofHours(1).toMillis()) + ticket.substring(ticket.indexOf('.'));
        assertThat(tickets.accepts(moved, QueryParameters.parse("serviceName=web"))).isFalse();
    }

    @Test
    @DisplayName("another instance's key (a restarted server) refuses the ticket")
    void otherKey() {
        String ticket = tickets.issue(QueryParameters.parse(""));
        assertThat(new StreamTickets(clock).accepts(ticket, QueryParameters.parse(""))).isFalse();
    }

    @Test
    @DisplayName("the canonical form ignores order and the resume position, but not values or how they are split")
    void canonical() {
        assertThat(StreamTickets.canonical(QueryParameters.parse("level=error&serviceName=web&afterId=log-3&tail=9")))
                .isEqualTo(StreamTickets.canonical(QueryParameters.parse("serviceName=web&level=error")));
        assertThat(StreamTickets.canonical(QueryParameters.parse("search=a;b")))
                .isNotEqualTo(StreamTickets.canonical(QueryParameters.parse("search=a&search=b")));
        assertThat(StreamTickets.canonical(QueryParameters.parse("search=a&search=b")))
                .isEqualTo(StreamTickets.canonical(QueryParameters.parse("search=b&search=a")));
        assertThat(StreamTickets.canonical(QueryParameters.parse("search=a")))
                .isNotEqualTo(StreamTickets.canonical(QueryParameters.parse("search=a&search=b")));
    }
}
