package dev.dbsync.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FilterSpecTest {

    private static FilterSpec sample() {
        return FilterSpec.builder()
                .fullTables("badges", "categories")
                .filteredTable("posts", "visibility = 'public'")
                .partialTable("users", PartialTable.where("is_active = 1", "user_id", "username"))
                .views("public_posts")
                .build();
    }

    @Test
    void runsOnTheModulePath() {
        assertThat(FilterSpec.class.getModule().getName()).isEqualTo("dev.dbsync.api");
    }

    @Test
    void comparesByValueAndPrintsStably() {
        FilterSpec a = sample();
        FilterSpec b = sample();
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.toString()).isEqualTo(b.toString()).isEqualTo(
                "FilterSpec{fullTables=[badges, categories], filteredTables={posts=visibility = 'public'}, "
                        + "partialTables={users=PartialTable[columns=[user_id, username], where=is_active = 1]}, "
                        + "views=[public_posts]}");
        assertThat(a).isNotEqualTo(a.toBuilder().fullTables("extra").build());
    }

    @Test
    void isImmutable() {
        FilterSpec spec = sample();
        assertThatThrownBy(() -> spec.fullTables().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> spec.filteredTables().put("x", "1")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> spec.partialTables().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(spec.allTables()).containsExactly("badges", "categories", "posts", "users");
    }

    @Test
    void toBuilderDerivesAnIndependentVariant() {
        FilterSpec spec = sample();
        FilterSpec derived = spec.toBuilder().filteredTable("comments", "hidden = 0").build();
        assertThat(derived.filteredTables()).containsOnlyKeys("posts", "comments");
        assertThat(spec.filteredTables()).containsOnlyKeys("posts");
    }

    @Test
    void rejectsATableInTwoCategoriesNamingIt() {
        assertThatThrownBy(() -> FilterSpec.builder().fullTables("Users")
                .partialTable("users", PartialTable.of("id")).build())
                .isInstanceOf(FilterException.class)
                .hasMessageContaining("'users'").hasMessageContaining("fullTables").hasMessageContaining("partialTables")
                .satisfies(e -> assertThat(((FilterException) e).table()).contains("users"));
    }

    @Test
    void rejectsDuplicatesBlankNamesAndEmptyWheres() {
        assertThatThrownBy(() -> FilterSpec.builder().fullTables("a", "A").build())
                .isInstanceOf(FilterException.class).hasMessageContaining("listed twice");
        assertThatThrownBy(() -> FilterSpec.builder().filteredTable("p", "x = 1").filteredTable("p", "x = 2"))
                .isInstanceOf(FilterException.class).hasMessageContaining("'p'");
        assertThatThrownBy(() -> FilterSpec.builder().fullTables(" ").build())
                .isInstanceOf(FilterException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> FilterSpec.builder().filteredTable("p", "  ").build())
                .isInstanceOf(FilterException.class).hasMessageContaining("empty WHERE");
        assertThatThrownBy(() -> new PartialTable(List.of(), ""))
                .isInstanceOf(FilterException.class).hasMessageContaining("at least one column");
    }

    @Test
    void partialTableWhereIsOptional() {
        assertThat(PartialTable.of("a", "b").hasWhere()).isFalse();
        assertThat(new PartialTable(List.of("a"), null).where()).isEmpty();
        assertThat(PartialTable.where("x > 1", "a").hasWhere()).isTrue();
    }
}
