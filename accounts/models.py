from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone


def normalize_email_address(email: str | None) -> str | None:
    """Emails are kept lower-cased so that one address is one account, whatever its casing."""
    if not email:
        return None
    return email.strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(
        self, *, email: str | None, username: str | None, password: str | None, **extra: Any
    ) -> User:
        user = self.model(
            email=normalize_email_address(email),
            username=(username or "").strip().lower() or None,
            **extra,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(
        self,
        email: str | None = None,
        password: str | None = None,
        *,
        username: str | None = None,
        **extra: Any,
    ) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email=email, username=username, password=password, **extra)

    def create_superuser(
        self,
        email: str | None = None,
        password: str | None = None,
        *,
        username: str | None = None,
        **extra: Any,
    ) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email=email, username=username, password=password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: clinic staff, pharmacy staff, a patient's account, a practitioner.

    Signs in by email or by username. A staff-created account may have only a username.
    """

    email = models.EmailField("email address", unique=True, null=True, blank=True)
    username = models.CharField(
        max_length=150,
        unique=True,
        null=True,
        blank=True,
        help_text="Optional. Letters, digits and @ . + - _ only.",
    )
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(
        default=False, help_text="Whether the user can sign in to the staff admin."
    )
    is_active = models.BooleanField(default=True)
    must_change_password = models.BooleanField(
        default=False,
        help_text="Set when staff chose the password: the user must pick a new one at sign-in.",
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(username__isnull=False),
                name="user_has_email_or_username",
            ),
        ]

    def __str__(self) -> str:
        return self.email or self.username or f"User {self.pk}"

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email_address(self.email)
        self.username = (self.username or "").strip().lower() or None

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalize_email_address(self.email)
        self.username = (self.username or "").strip().lower() or None
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or str(self)

    def get_short_name(self) -> str:
        return self.first_name or str(self)

    @property
    def sign_in_name(self) -> str:
        return self.username or self.email or ""


def user_reference(help_text: str = "") -> models.ForeignKey[User | None, User | None]:
    """Who did something; kept empty if that account is deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=help_text,
    )
