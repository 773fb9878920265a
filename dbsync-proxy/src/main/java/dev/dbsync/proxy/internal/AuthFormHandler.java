package dev.dbsync.proxy.internal;


import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * One auth form (login, register, forgot or reset password) proxied to the back office as JSON.
 * Accepts only {@code POST} with a URL-encoded form, answers every accepted request with a
 * {@code 303 See Other}, and never blocks a server thread on the back office.
 */
public final class AuthFormHandler extends Handler.Abstract.NonBlocking {
    private static final Logger LOG = LoggerFactory.getLogger(AuthFormHandler.class);

    /** Largest BO answer read. */
    public static final int MAX_REPLY_BYTES = 64 * 1024;
    /** Text flashed when the BO is down or its answer is unusable. */
    public static final String UNAVAILABLE = "Service temporarily unavailable, please try again later.";
    /** Text flashed when the BO refuses without saying why. */
    public static final String REFUSED = "The request could not be completed.";
    /** Text flashed when the two passwords of a reset differ. */
    public static final String PASSWORD_MISMATCH = "The passwords do not match.";

    private static final int MAX_FORM_FIELDS = 16;
    private static final int MAX_FORM_BYTES = 16 * 1024;
    /** A session token must be a plain cookie value: no separators, quotes, spaces or controls. */
    private static final Pattern COOKIE_VALUE = Pattern.compile("[A-Za-z0-9!#$%&'*+\\-.^_`|~/:=?@]{1,4096}");

    /** How the session cookie is written. */
    public record CookiePolicy(Optional<String> domain, boolean secure) {
    }

    private final AuthAction action;
    private final HttpClient client;
    private final BackOfficeUrl bo;
    private final Duration timeout;
    private final Optional<BooleanSupplier> healthCheck;
    private final CookiePolicy cookie;
    private final FlashSink flash;

    /**
     * @param action which form this is
     * @param client the started client to the BO
     * @param bo the BO
     * @param timeout the time allowed for the BO to answer
     * @param healthCheck says whether the BO is up, to fail fast when it is not
     * @param cookie how to write the session cookie
     * @param flash where to record messages for the user
     */
    public AuthFormHandler(AuthAction action, HttpClient client, BackOfficeUrl bo, Duration timeout,
            Optional<BooleanSupplier> healthCheck, CookiePolicy cookie, FlashSink flash) {
        this.action = action;
        this.client = client;
        this.bo = bo;
        this.timeout = timeout;
        this.healthCheck = healthCheck;
        this.cookie = cookie;
        this.flash = flash;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!HttpMethod.POST.is(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, "POST");
            Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
            return true;
        }
        FormFields.from(request, StandardCharsets.UTF_8, MAX_FORM_FIELDS, MAX_FORM_BYTES)
                .whenComplete((fields, failure) -> {
                    if (failure != null) {
                        LOG.debug("{}: unreadable form", action.label(), failure);
                        Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400, "Invalid form");
                        return;
                    }
                    try {
                        onForm(request, response, callback, fields);
                    } catch (Throwable t) {
                        LOG.warn("{}: failed to answer", action.label(), t);
                        callback.failed(t);
                    }
                });
        return true;
    }

    private void onForm(Request request, Response response, Callback callback, Fields fields) {
        String backToForm = action.formPage();
        if (action == AuthAction.RESET_PASSWORD) {
            backToForm = "/reset-password?token=" + URLEncoder.encode(value(fields, "token"), StandardCharsets.UTF_8);
            if (!value(fields, "password").equals(value(fields, "password_confirm"))) {
                redirect(request, response, callback, FlashSink.ERROR, PASSWORD_MISMATCH, backToForm);
                return;
            }
        }
        if (healthCheck.isPresent() && !isUp(healthCheck.get())) {
            redirect(request, response, callback, FlashSink.ERROR, UNAVAILABLE, action.formPage());
            return;
        }
        Map<String, String> members = new LinkedHashMap<>();
        for (String name : action.fields()) {
            members.put(name, value(fields, name));
        }
        String failurePage = backToForm;
        CompletableFuture<ContentResponse> answer;
        try {
            org.eclipse.jetty.client.Request call = client.newRequest(bo.resolve(action.endpoint()))
                    .method(HttpMethod.POST)
                    .headers(h -> h.put(HttpHeader.ACCEPT, "application/json")
                            .put("X-Forwarded-For", Request.getRemoteAddr(request)))
                    .body(new BytesRequestContent("application/json", AuthReply.requestJson(members)))
                    .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
            answer = new CompletableResponseListener(call, MAX_REPLY_BYTES).send();
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((reply, failure) -> {
            try {
                onReply(request, response, callback, reply, failure, failurePage);
            } catch (Throwable t) {
                LOG.warn("{}: failed to answer", action.label(), t);
                callback.failed(t);
            }
        });
    }

    private void onReply(Request request, Response response, Callback callback, ContentResponse reply,
            Throwable failure, String failurePage) {
        if (failure != null) {
            LOG.warn("{}: back office {} did not answer usably: {}", action.label(), bo, failure.toString());
            redirect(request, response, callback, FlashSink.ERROR, UNAVAILABLE, failurePage);
            return;
        }
        AuthReply parsed;
        try {
            parsed = AuthReply.parse(reply.getContent());
        } catch (AuthReply.MalformedReplyException e) {
            LOG.warn("{}: back office {} answered {} with a malformed body: {}", action.label(), bo,
                    reply.getStatus(), e.getMessage());
            redirect(request, response, callback, FlashSink.ERROR, UNAVAILABLE, failurePage);
            return;
        }
        boolean success = parsed.ok() && HttpStatus.isSuccess(reply.getStatus());
        if (!success) {
            LOG.debug("{}: refused by the back office (status {}, code {})", action.label(), reply.getStatus(),
                    parsed.code().orElse("-"));
            redirect(request, response, callback, FlashSink.ERROR, FlashText.of(parsed.error().orElse(null), REFUSED),
                    failurePage);
            return;
        }
        if (action == AuthAction.LOGIN) {
            Optional<String> token = parsed.token().filter(t -> COOKIE_VALUE.matcher(t).matches());
            if (token.isEmpty()) {
                LOG.warn("{}: back office {} accepted the login but sent no usable token", action.label(), bo);
                redirect(request, response, callback, FlashSink.ERROR, UNAVAILABLE, failurePage);
                return;
            }
            Response.addCookie(response, sessionCookie(token.get()));
        }
        String next = action.successPage();
        if (parsed.redirect().isPresent()) {
            if (RedirectTarget.isSameSitePath(parsed.redirect().get())) {
                next = parsed.redirect().get();
            } else {
                LOG.warn("{}: ignoring redirect {} from the back office: not a same-site path; using {}",
                        action.label(), printable(parsed.redirect().get()), next);
            }
        }
        String message = parsed.flash().map(f -> FlashText.of(f, "")).orElse("");
        redirect(request, response, callback, message.isEmpty() ? null : FlashSink.SUCCESS, message, next);
    }

    private HttpCookie sessionCookie(String token) {
        HttpCookie.Builder b = HttpCookie.build("token", token)
                .path("/")
                .maxAge(86400)
                .httpOnly(true)
                .sameSite(HttpCookie.SameSite.STRICT)
                .secure(cookie.secure());
        cookie.domain().ifPresent(b::domain);
        return b.build();
    }

    private void redirect(Request request, Response response, Callback callback, String kind, String message,
            String location) {
        if (kind != null) {
            try {
                flash.set(response, kind, message);
            } catch (RuntimeException e) {
                LOG.warn("{}: the flash callback failed", action.label(), e);
            }
        }
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Response.sendRedirect(request, response, callback, HttpStatus.SEE_OTHER_303, location, false);
    }

    private static boolean isUp(BooleanSupplier check) {
        try {
            return check.getAsBoolean();
        } catch (RuntimeException e) {
            LOG.warn("the back-office health check failed; treating the back office as down", e);
            return false;
        }
    }

    private static String value(Fields fields, String name) {
        String v = fields.getValue(name);
        return v == null ? "" : v;
    }

    private static String printable(String s) {
        String cut = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
