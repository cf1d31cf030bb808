from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.roles import user_home_url


# The front door: anyone may see it (LoginRequiredMiddleware guards every other page).
@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and not request.user.is_staff:
        return redirect(user_home_url(request.user))
    return render(request, "home.html")
