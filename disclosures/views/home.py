from django.shortcuts import redirect, render

from disclosures.selectors.home import headline_figures, latest_decisions
from disclosures.states import DEVELOPER, MINISTRY


def home(request):
    """Signed-in staff land on their work; everyone else on the public introduction."""
    user = request.user
    if user.is_authenticated and user.role in MINISTRY:
        return redirect("official:dashboard")
    if user.is_authenticated and user.role in DEVELOPER:
        return redirect("developer:inbox")
    return render(request, "public/home.html", {"figures": headline_figures(), "decisions": latest_decisions()})
