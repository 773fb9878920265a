package dev.dbsync.proxy.internal;

import java.util.List;

/**
 * The four auth forms proxied to the back office: which form fields go to which BO endpoint,
 * which page to go back to on failure, and where to go after success.
 */
public enum AuthAction {
    /** {@code POST /login}. */
    LOGIN("login", List.of("username", "password"), "/login", "/dashboard"),
    /** {@code POST /register}. */
    REGISTER("register", List.of("username", "email", "password", "display_name"), "/register", "/login"),
    /** {@code POST /forgot-password}. */
    FORGOT_PASSWORD("forgot-password", List.of("email"), "/forgot-password", "/login"),
    /** {@code POST /reset-password}; goes back to {@code /reset-password?token=...} on failure. */
    RESET_PASSWORD("reset-password", List.of("token", "password"), "/forgot-password", "/login");

    private final String name;
    private final List<String> fields;
    private final String formPage;
    private final String successPage;

    AuthAction(String name, List<String> fields, String formPage, String successPage) {
        this.name = name;
        this.fields = fields;
        this.formPage = formPage;
        this.successPage = successPage;
    }

    /** @return the BO endpoint path, {@code /api/internal/auth/<name>} */
    public String endpoint() {
        return "/api/internal/auth/" + name;
    }

    /** @return the form fields sent to the BO, in order */
    public List<String> fields() {
        return fields;
    }

    /** @return the page to go back to when the BO is down (and, except for reset, on failure) */
    public String formPage() {
        return formPage;
    }

    /** @return where to go after success when the BO names no (acceptable) redirect */
    public String successPage() {
        return successPage;
    }

    /** @return a short name for logs */
    public String label() {
        return name;
    }
}
