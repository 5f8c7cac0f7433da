def test_look(people, viewport):
    p = people("reader")
    p.page.goto("/")
    p.shot("home")
