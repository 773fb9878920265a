package dev.dbsync.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.FormRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.Fields;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

@SuppressWarnings("deprecation")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AuthProxyTest {
    /** One flash recorded by the test's callback. */
    record Flashed(String kind, String message) {
    }

    private static HttpClient client;

    private final FakeAuthBackOffice backOffice = new FakeAuthBackOffice();
    private final BlockingQueue<Flashed> flashes = new ArrayBlockingQueue<>(16);
    private final Flash flash = (response, kind, message) -> {
        flashes.add(new Flashed(kind, message));
        response.getHeaders().add("X-Test-Flash", kind);
    };
    private LocalServer bo;
    private LocalServer fo;
    private AuthProxy auth;

    @BeforeAll
    static void startClient() throws Exception {
        client = new HttpClient();
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.start();
    }

    @AfterAll
    static void stopClient() throws Exception {
        client.stop();
    }

    @BeforeEach
    void startBackOffice() throws Exception {
        bo = LocalServer.start("bo", backOffice);
    }

    @AfterEach
    void stopAll() throws Exception {
        backOffice.stall.countDown();
        if (fo != null) {
            fo.close();
        }
        if (auth != null) {
            auth.close();
        }
        bo.close();
    }

    private void startFrontOffice(UnaryOperator<AuthProxy.Builder> options) throws Exception {
        auth = options.apply(AuthProxy.builder(bo.url())).build();
        PathMappingsHandler routes = new PathMappingsHandler();
        routes.addMapping(PathSpec.from("/login"), auth.loginHandler(flash));
        routes.addMapping(PathSpec.from("/register"), auth.registerHandler(flash));
        routes.addMapping(PathSpec.from("/forgot-password"), auth.forgotPasswordHandler(flash));
        routes.addMapping(PathSpec.from("/reset-password"), auth.resetPasswordHandler(flash));
        fo = LocalServer.start("fo", routes);
    }

    private ContentResponse post(String path, String... nameValues) throws Exception {
        Fields form = new Fields();
        for (int i = 0; i < nameValues.length; i += 2) {
            form.put(nameValues[i], nameValues[i + 1]);
        }
        return client.newRequest(fo.url() + path).method(HttpMethod.POST).body(new FormRequestContent(form))
                .timeout(15, TimeUnit.SECONDS).send();
    }

    /** The Location of a redirect, relative to the front office. */
    private String location(ContentResponse r) {
        assertThat(r.getStatus()).as("status").isEqualTo(303);
        String location = r.getHeaders().get("Location");
        assertThat(location).isNotNull();
        return location.startsWith(fo.url()) ? location.substring(fo.url().length()) : location;
    }

    private Flashed nextFlash() throws InterruptedException {
        Flashed f = flashes.poll(5, TimeUnit.SECONDS);
        assertThat(f).as("a flash was recorded").isNotNull();
        return f;
    }

    private static List<String> setCookies(ContentResponse r) {
        return r.getHeaders().getValuesList("Set-Cookie");
    }

    @Test
    void loginSuccessSetsTheSessionCookieFlashesAndFollowsTheBackOfficeRedirect() throws Exception {
        backOffice.answer("login", 200,
                "{\"ok\":true,\"token\":\"tok.123-abc\",\"user_id\":42,\"flash\":\"Welcome back\",\"redirect\":\"/account?tab=1\"}");
        startFrontOffice(b -> b.cookieDomain("shop.example").secureCookie(true));

        ContentResponse r = post("/login", "username", "alice", "password", "s3cr\"et");

        assertThat(location(r)).isEqualTo("/account?tab=1");
        assertThat(nextFlash()).isEqualTo(new Flashed("success", "Welcome back"));
        List<String> cookies = setCookies(r);
        assertThat(cookies).hasSize(1);
        String cookie = cookies.get(0);
        assertThat(cookie).startsWith("token=tok.123-abc;");
        assertThat(cookie.toLowerCase(Locale.ROOT)).contains("path=/", "domain=shop.example", "max-age=86400",
                "secure", "httponly", "samesite=strict");
        FakeAuthBackOffice.Call call = backOffice.nextCall();
        assertThat(call.method()).isEqualTo("POST");
        assertThat(call.path()).isEqualTo("/api/internal/auth/login");
        assertThat(call.contentType()).startsWith("application/json");
        assertThat(call.body()).isEqualTo("{\"username\":\"alice\",\"password\":\"s3cr\\\"et\"}");
    }

    @Test
    void loginWithoutRedirectGoesToTheDashboardAndHostOnlyCookie() throws Exception {
        backOffice.answer("login", 200, "{\"ok\":true,\"token\":\"t0k\"}");
        startFrontOffice(b -> b);

        ContentResponse r = post("/login", "username", "bob", "password", "pw");

        assertThat(location(r)).isEqualTo("/dashboard");
        String cookie = setCookies(r).get(0).toLowerCase(Locale.ROOT);
        assertThat(cookie).startsWith("token=t0k;").contains("httponly", "samesite=strict", "max-age=86400", "path=/")
                .doesNotContain("domain=").doesNotContain("secure");
        assertThat(flashes).as("no flash without a BO flash text").isEmpty();
        assertThat(r.getHeaders().get("X-Test-Flash")).isNull();
    }

    @Test
    void loginRefusalFlashesTheBackOfficeErrorAndGoesBackToTheForm() throws Exception {
        backOffice.answer("login", 401, "{\"ok\":false,\"error\":\"Invalid credentials\",\"code\":\"bad_credentials\"}");
        startFrontOffice(b -> b);

        ContentResponse r = post("/login", "username", "alice", "password", "wrong");

        assertThat(location(r)).isEqualTo("/login");
        assertThat(nextFlash()).isEqualTo(new Flashed("error", "Invalid credentials"));
        assertThat(r.getHeaders().get("X-Test-Flash")).isEqualTo("error");
        assertThat(setCookies(r)).isEmpty();
    }

    @Test
    void okWithAnErrorStatusIsARefusal() throws Exception {
        backOffice.answer("login", 500, "{\"ok\":true,\"token\":\"t\"}");
        startFrontOffice(b -> b);
        ContentResponse r = post("/login", "username", "a", "password", "b");
        assertThat(location(r)).isEqualTo("/login");
        assertThat(nextFlash().kind()).isEqualTo("error");
        assertThat(setCookies(r)).isEmpty();
    }

    @Test
    void registerSendsItsFourFieldsAndGoesToLogin() throws Exception {
        backOffice.answer("register", 201, "{\"ok\":true,\"user_id\":\"u-9\",\"flash\":\"Account created\"}");
        startFrontOffice(b -> b);

        ContentResponse r = post("/register", "username", "carol", "email", "c@example.org", "password", "pw",
                "display_name", "Carol C", "is_admin", "true");

        assertThat(location(r)).isEqualTo("/login");
        assertThat(nextFlash()).isEqualTo(new Flashed("success", "Account created"));
        assertThat(setCookies(r)).as("only login sets the session cookie").isEmpty();
        FakeAuthBackOffice.Call call = backOffice.nextCall();
        assertThat(call.path()).isEqualTo("/api/internal/auth/register");
        assertThat(call.body()).isEqualTo(
                "{\"username\":\"carol\",\"email\":\"c@example.org\",\"password\":\"pw\",\"display_name\":\"Carol C\"}");
    }

    @Test
    void registerRefusalGoesBackToRegister() throws Exception {
        backOffice.answer("register", 409, "{\"ok\":false,\"error\":\"Username taken\"}");
        startFrontOffice(b -> b);
        ContentResponse r = post("/register", "username", "carol", "email", "c@x", "password", "p", "display_name", "C");
        assertThat(location(r)).isEqualTo("/register");
        assertThat(nextFlash()).isEqualTo(new Flashed("error", "Username taken"));
    }

    @Test
    void forgotPasswordSendsTheEmailAndGoesToLogin() throws Exception {
        backOffice.answer("forgot-password", 200, "{\"ok\":true,\"flash\":\"Check your mail\"}");
        startFrontOffice(b -> b);
        ContentResponse r = post("/forgot-password", "email", "d@example.org");
        assertThat(location(r)).isEqualTo("/login");
        assertThat(nextFlash()).isEqualTo(new Flashed("success", "Check your mail"));
        FakeAuthBackOffice.Call call = backOffice.nextCall();
        assertThat(call.path()).isEqualTo("/api/internal/auth/forgot-password");
        assertThat(call.body()).isEqualTo("{\"email\":\"d@example.org\"}");
    }

    @Test
    void forgotPasswordRefusalGoesBackToTheForm() throws Exception {
        backOffice.answer("forgot-password", 429, "{\"ok\":false,\"error\":\"Too many requests\"}");
        startFrontOffice(b -> b);
        ContentResponse r = post("/forgot-password", "email", "d@example.org");
        assertThat(location(r)).isEqualTo("/forgot-password");
        assertThat(nextFlash()).isEqualTo(new Flashed("error", "Too many requests"));
    }

    @Test
    void resetPasswordSendsTokenAndPasswordAndGoesToLogin() throws Exception {
        backOffice.answer("reset-password", 200, "{\"ok\":true,\"flash\":\"Password changed\"}");
        startFrontOffice(b -> b);
        ContentResponse r = post("/reset-password", "token", "rt-1", "password", "new", "password_confirm", "new");
        assertThat(location(r)).isEqualTo("/login");
        assertThat(nextFlash()).isEqualTo(new Flashed("success", "Password changed"));
        FakeAuthBackOffice.Call call = backOffice.nextCall();
        assertThat(call.path()).isEqualTo("/api/internal/auth/reset-password");
        assertThat(call.body()).isEqualTo("{\"token\":\"rt-1\",\"password\":\"new\"}");
    }

    @Test
    void resetPasswordMismatchGoesBackWithTheTokenEncodedAndNeverCallsTheBackOffice() throws Exception {
        startFrontOffice(b -> b);
        String hostile = "a&b=c#d\r\nX-Injected: yes";
        ContentResponse r = post("/reset-password", "token", hostile, "password", "one", "password_confirm", "two");
        assertThat(location(r)).isEqualTo("/reset-password?token=a%26b%3Dc%23d%0D%0AX-Injected%3A+yes");
        assertThat(r.getHeaders().get("X-Injected")).isNull();
        assertThat(nextFlash()).isEqualTo(new Flashed("error", "The passwords do not match."));
        assertThat(backOffice.callCount()).isZero();
    }

    @Test
    void resetPasswordRefusalGoesBackToTheResetFormWithItsToken() throws Exception {
        backOffice.answer("reset-password", 400, "{\"ok\":false,\"error\":\"Link expired\"}");
        startFrontOffice(b -> b);
        ContentResponse r = post("/reset-password", "token", "t/1+2", "password", "p", "password_confirm", "p");
        assertThat(location(r)).isEqualTo("/reset-password?token=t%2F1%2B2");
        assertThat(nextFlash()).isEqualTo(new Flashed("error", "Link expired"));
    }

    @Test
    void everyHandlerFailsFastToItsFormWhenTheHealthCheckSaysDown() throws Exception {
        startFrontOffice(b -> b.healthCheck(() -> false));
        String[][] cases = {
            {"/login", "/login"}, {"/register", "/register"}, {"/forgot-password", "/forgot-password"},
            {"/reset-password", "/forgot-password"}};
        for (String[] c : cases) {
            ContentResponse r = post(c[0], "token", "t", "password", "p", "password_confirm", "p", "email", "e",
                    "username", "u");
            assertThat(location(r)).as(c[0]).isEqualTo(c[1]);
            assertThat(nextFlash()).isEqualTo(new Flashed("error", "Service temporarily unavailable, please try again later."));
        }
        assertThat(backOffice.callCount()).isZero();
    }

    @Test
    void sharesARealHealthCheckerThatSeesTheBackOfficeDown() throws Exception {
        int closed = LocalServer.closedPort();
        try (BOHealthChecker health = new BOHealthChecker("http://127.0.0.1:" + closed, Duration.ofMillis(50))) {
            Await.until("a failed check", Duration.ofSeconds(10), () -> (Long) health.status().get("fail_count") >= 1);
            startFrontOffice(b -> b.healthChecker(health));
            ContentResponse login = post("/login", "username", "u", "password", "p");
            ContentResponse register = post("/register", "username", "u");
            assertThat(location(login)).isEqualTo("/login");
            assertThat(location(register)).isEqualTo("/register");
            assertThat(nextFlash().message()).startsWith("Service temporarily unavailable");
            assertThat(nextFlash().message()).startsWith("Service temporarily unavailable");
            assertThat(backOffice.callCount()).isZero();
        }
    }

    @Test
    void unreachableBackOfficeFlashesAGenericError() throws Exception {
        int closed = LocalServer.closedPort();
        auth = AuthProxy.builder("http://127.0.0.1:" + closed).build();
        fo = LocalServer.start("fo", auth.loginHandler(flash));
        ContentResponse r = post("/login", "username", "u", "password", "p");
        assertThat(location(r)).isEqualTo("/login");
        assertThat(nextFlash()).isEqualTo(new Flashed("error", "Service temporarily unavailable, please try again later."));
        assertThat(setCookies(r)).isEmpty();
    }

    @Test
    void slowBackOfficeTimesOut() throws Exception {
        backOffice.stall = new CountDownLatch(1);
        backOffice.answer("login", 200, "{\"ok\":true,\"token\":\"late\"}");
        startFrontOffice(b -> b.timeout(Duration.ofMillis(300)));
        ContentResponse r = post("/login", "username", "u", "password", "p");
        backOffice.stall.countDown();
        assertThat(location(r)).isEqualTo("/login");
        assertThat(nextFlash()).isEqualTo(new Flashed("error", "Service temporarily unavailable, please try again later."));
        assertThat(setCookies(r)).as("the BO's late token is never used").isEmpty();
    }

    @Test
    void oversizeBackOfficeAnswerIsRefused() throws Exception {
        String padding = "x".repeat(AuthProxy.MAX_REPLY_BYTES);
        backOffice.answer("login", 200, "{\"ok\":true,\"token\":\"t\",\"pad\":\"" + padding + "\"}");
        startFrontOffice(b -> b);
        ContentResponse r = post("/login", "username", "u", "password", "p");
        assertThat(location(r)).isEqualTo("/login");
        assertThat(nextFlash()).isEqualTo(new Flashed("error", "Service temporarily unavailable, please try again later."));
        assertThat(setCookies(r)).isEmpty();
    }

    @Test
    void answerJustUnderTheLimitIsAccepted() throws Exception {
        String padding = "x".repeat(AuthProxy.MAX_REPLY_BYTES - 100);
        backOffice.answer("login", 200, "{\"ok\":true,\"token\":\"t\",\"pad\":\"" + padding + "\"}");
        startFrontOffice(b -> b);
        ContentResponse r = post("/login", "username", "u", "password", "p");
        assertThat(location(r)).isEqualTo("/dashboard");
        assertThat(setCookies(r)).hasSize(1);
    }

    @Test
    void malformedBackOfficeAnswersAreRefused() throws Exception {
        startFrontOffice(b -> b);
        String[] bodies = {"", "not json", "[{\"ok\":true}]", "{\"ok\":\"yes\",\"token\":\"t\"}", "{\"token\":\"t\"}",
            "{\"ok\":true,\"token\":\"t\"} {\"ok\":true}", "{\"ok\":true,\"token\":\"t\"", "<html>502</html>"};
        for (String body : bodies) {
            backOffice.answer("login", 200, body);
            ContentResponse r = post("/login", "username", "u", "password", "p");
            assertThat(location(r)).as(body).isEqualTo("/login");
            assertThat(nextFlash()).as(body)
                    .isEqualTo(new Flashed("error", "Service temporarily unavailable, please try again later."));
            assertThat(setCookies(r)).as(body).isEmpty();
        }
    }

    @Test
    void neverFollowsARedirectOffSite() throws Exception {
        startFrontOffice(b -> b);
        String[] hostile = {"//evil.example/x", "/\\evil.example", "\\\\evil.example", "https://evil.example/",
            "javascript:alert(1)", "/\t/evil.example", " /x", "evil.example/x", "/ok\r\nSet-Cookie: a=b", "HTTP://evil",
            "/path with space"};
        for (String target : hostile) {
            String json = "{\"ok\":true,\"token\":\"t\",\"redirect\":\"" + target.replace("\\", "\\\\")
                    .replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n") + "\"}";
            backOffice.answer("login", 200, json);
            ContentResponse r = post("/login", "username", "u", "password", "p");
            assertThat(location(r)).as(target).isEqualTo("/dashboard");
            assertThat(r.getHeaders().getValuesList("Set-Cookie")).as(target).hasSize(1);
        }
    }

    @Test
    void rejectsATokenThatWouldInjectCookieAttributes() throws Exception {
        startFrontOffice(b -> b);
        for (String token : new String[] {"abc; Domain=evil.example", "abc\\r\\nSet-Cookie: x=y", "a b", "\\\"q\\\""}) {
            backOffice.answer("login", 200, "{\"ok\":true,\"token\":\"" + token + "\"}");
            ContentResponse r = post("/login", "username", "u", "password", "p");
            assertThat(location(r)).as(token).isEqualTo("/login");
            assertThat(setCookies(r)).as(token).isEmpty();
            assertThat(nextFlash().kind()).isEqualTo("error");
        }
    }

    @Test
    void flashesBackOfficeErrorsAsOneLineOfPlainText() throws Exception {
        backOffice.answer("login", 401,
                "{\"ok\":false,\"error\":\"<b>Bad</b> login\\r\\nSet-Cookie: evil=1\\u0000\"}");
        startFrontOffice(b -> b);
        ContentResponse r = post("/login", "username", "u", "password", "p");
        assertThat(location(r)).isEqualTo("/login");
        Flashed f = nextFlash();
        assertThat(f.kind()).isEqualTo("error");
        assertThat(f.message()).isEqualTo("<b>Bad</b> login  Set-Cookie: evil=1");
        assertThat(f.message()).doesNotContain("\r", "\n", "\u0000");
        assertThat(setCookies(r)).isEmpty();
    }

    @Test
    void capsVeryLongBackOfficeTexts() throws Exception {
        backOffice.answer("login", 401, "{\"ok\":false,\"error\":\"" + "e".repeat(5000) + "\"}");
        startFrontOffice(b -> b);
        post("/login", "username", "u", "password", "p");
        assertThat(nextFlash().message()).hasSizeLessThanOrEqualTo(301).startsWith("eee");
    }

    @Test
    void acceptsOnlyPost() throws Exception {
        startFrontOffice(b -> b);
        for (String path : new String[] {"/login", "/register", "/forgot-password", "/reset-password"}) {
            for (HttpMethod m : new HttpMethod[] {HttpMethod.GET, HttpMethod.PUT, HttpMethod.DELETE}) {
                ContentResponse r = client.newRequest(fo.url() + path).method(m).timeout(10, TimeUnit.SECONDS).send();
                assertThat(r.getStatus()).as(m + " " + path).isEqualTo(405);
                assertThat(r.getHeaders().get("Allow")).isEqualTo("POST");
            }
        }
        assertThat(backOffice.callCount()).isZero();
        assertThat(flashes).isEmpty();
    }

    @Test
    void refusesAnOversizeFormWithoutCallingTheBackOffice() throws Exception {
        startFrontOffice(b -> b);
        ContentResponse r = post("/login", "username", "u".repeat(20_000), "password", "p");
        assertThat(r.getStatus()).isEqualTo(400);
        assertThat(backOffice.callCount()).isZero();
        assertThat(setCookies(r)).isEmpty();
    }

    @Test
    void aClosedProxyAnswersWithTheUnavailableFlash() throws Exception {
        backOffice.answer("login", 200, "{\"ok\":true,\"token\":\"t\"}");
        startFrontOffice(b -> b);
        auth.close();
        ContentResponse r = post("/login", "username", "u", "password", "p");
        assertThat(location(r)).isEqualTo("/login");
        assertThat(nextFlash()).isEqualTo(new Flashed("error", "Service temporarily unavailable, please try again later."));
        assertThat(setCookies(r)).isEmpty();
        assertThatThrownBy(() -> auth.loginHandler(flash)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rejectsBadConstructionArgumentsNamingThem() {
        assertThatThrownBy(() -> new AuthProxy("bo.internal", "", false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bo.internal");
        assertThatThrownBy(() -> new AuthProxy("http://bo", "evil.example; Secure", false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("evil.example; Secure");
    }
}
