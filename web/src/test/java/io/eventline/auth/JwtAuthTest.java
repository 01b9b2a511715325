package io.eventline.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.eventline.http.ProblemException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JwtAuthTest {
    private static final String SECRET = "a-secret-of-at-least-thirty-two-characters";
    private final JwtAuth auth = new JwtAuth(SECRET, Clock.systemUTC());

    @Test
    void shouldCarryTheSubjectAndRolesOfAnIssuedToken() {
        final Principal principal = auth.verify(auth.issue("alice", Set.of("admin"), Duration.ofMinutes(5)));

        assertThat(principal.userId()).isEqualTo("alice");
        assertThat(principal.isAdmin()).isTrue();
        assertThat(principal.mayRead("bob")).isTrue();
    }

    @Test
    void shouldCarryTheDomainsAServiceTokenNamesAndNoneWhenItHasNoClaim() {
        // Given: a service token naming two domains, and one naming none
        final String scoped = auth.issue("billing", Set.of("service"), Optional.of(Set.of("rewards", "accounts")),
                Duration.ofMinutes(5));
        final String unscoped = auth.issue("billing", Set.of("service"), Duration.ofMinutes(5));

        // When / Then: the first carries exactly its domains, the second no domains claim at all
        assertThat(auth.verify(scoped).domains()).contains(Set.of("rewards", "accounts"));
        assertThat(auth.verify(unscoped).domains()).isEmpty();
        assertThat(JWT.decode(unscoped).getClaim(JwtAuth.DOMAINS_CLAIM).isMissing()).isTrue();
    }

    @Test
    void shouldRejectATokenWhoseDomainsClaimIsNotAListOfStrings() {
        // Given: a validly signed token whose domains claim is a number
        final String odd = JWT.create().withIssuer(JwtAuth.ISSUER).withSubject("billing")
                .withExpiresAt(Instant.now().plusSeconds(60)).withClaim("roles", List.of("service"))
                .withClaim(JwtAuth.DOMAINS_CLAIM, 42).sign(Algorithm.HMAC256(SECRET));

        // When / Then: a 401, not a 500
        assertThatThrownBy(() -> auth.verify(odd)).isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).status()).isEqualTo(401));
    }

    @Test
    void shouldRejectExpiredTokensAndTokensSignedWithAnotherSecret() {
        final JwtAuth past = new JwtAuth(SECRET, Clock.fixed(Instant.now().minusSeconds(3600), ZoneOffset.UTC));
        final String expired = past.issue("alice", Set.of(), Duration.ofMinutes(1));
        final String foreign = new JwtAuth("another-secret-of-at-least-thirty-two-chars", Clock.systemUTC())
                .issue("alice", Set.of("admin"), Duration.ofMinutes(5));

        assertThatThrownBy(() -> auth.verify(expired)).isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).status()).isEqualTo(401));
        assertThatThrownBy(() -> auth.verify(foreign)).isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).headers().get("WWW-Authenticate"))
                        .startsWith("Bearer").contains("invalid_token"));
    }

    @Test
    void shouldRefuseAValidlySignedTokenWithoutExpiry() {
        // Given a token signed with the right secret and issuer, but no exp
        final String forever = JWT.create().withIssuer(JwtAuth.ISSUER).withSubject("alice")
                .withIssuedAt(Instant.now()).sign(Algorithm.HMAC256(SECRET));

        // When / Then
        assertThatThrownBy(() -> auth.verify(forever)).isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).status()).isEqualTo(401))
                .satisfies(e -> assertThat(((ProblemException) e).headers().get("WWW-Authenticate"))
                        .contains("invalid_token"));
    }

    @Test
    void shouldIssueTokensOfAtMostThirtyDays() {
        assertThat(auth.verify(auth.issue("alice", Set.of(), Duration.ofDays(30))).userId()).isEqualTo("alice");
        assertThatThrownBy(() -> auth.issue("alice", Set.of(), Duration.ofDays(30).plusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("30 days");
        assertThatThrownBy(() -> auth.issue("alice", Set.of(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseShortSecrets() {
        assertThatThrownBy(() -> new JwtAuth("short", Clock.systemUTC())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldTellOfTheHolderOfEveryVerifiedTokenAndOfNoOther() {
        // Given an authenticator that is told of verified tokens
        final java.util.List<String> told = new java.util.ArrayList<>();
        final JwtAuth telling = new JwtAuth(SECRET, Clock.systemUTC(), principal -> told.add(principal.userId()));
        final String foreign = new JwtAuth("another-secret-of-at-least-thirty-two-chars", Clock.systemUTC())
                .issue("mallory", Set.of(), Duration.ofMinutes(5));

        // When a valid and a foreign token are presented
        telling.verify(auth.issue("alice", Set.of(), Duration.ofMinutes(5)));
        assertThatThrownBy(() -> telling.verify(foreign)).isInstanceOf(ProblemException.class);

        // Then only the valid one's holder is told of
        assertThat(told).containsExactly("alice");
    }

    @Test
    void shouldReadWhenAVerifiedTokenExpires() {
        final Instant now = Instant.parse("2026-03-01T10:00:00Z");
        final String token = new JwtAuth(SECRET, Clock.fixed(now, ZoneOffset.UTC))
                .issue("alice", Set.of(), Duration.ofMinutes(5));

        assertThat(JwtAuth.expiresAt(token)).contains(now.plus(Duration.ofMinutes(5)));
    }
}
