"""The main pages every browser check visits: (name, path, who must be signed in)."""

ARTICLE = "/articles/north-korea-southeast-asia-strategy/"

MAIN_PAGES = [
    ("home", "/", None),
    ("article", ARTICLE, None),
    ("faq", "/faq/", None),
    ("search", "/search/?q=sanctions", None),
    ("topic", "/topics/north-korea/", None),
    ("topics", "/topics/", None),
    ("corrections", "/corrections/", None),
    ("sign-in", "/accounts/login/", None),
    ("sign-up", "/accounts/signup/", None),
    ("404", "/no-such-page/", None),
    ("403", "/moderation/", "reader"),
    ("moderation", "/moderation/", "moderator"),
]


def person(showcase, who: str | None):
    """Who views a page: nobody (None), the showcase's moderator, or one of its readers."""
    return {None: None, "moderator": showcase["moderator"], "reader": showcase["readers"][0]}[who]


def no_horizontal_overflow(page) -> tuple[int, int]:
    """(document's scroll width, viewport width): equal when nothing scrolls sideways."""
    return page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )


def wide_elements(page) -> list[str]:
    """The elements that stick out past the right edge, to say what overflows."""
    return page.evaluate(
        """() => {
          const limit = document.documentElement.clientWidth;
          const out = [];
          for (const el of document.querySelectorAll('body *')) {
            const box = el.getBoundingClientRect();
            if (box.width && box.right > limit + 1) {
              const classes = typeof el.className === 'string' ? el.className : '';
              out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                (classes ? '.' + classes.split(' ').join('.') : '') +
                ' right=' + Math.round(box.right));
            }
          }
          return out.slice(0, 10);
        }"""
    )
