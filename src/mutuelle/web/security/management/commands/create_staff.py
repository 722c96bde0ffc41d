"""``mutuelle create-staff USERNAME --role ROLE…``: a staff account with its role(s) and its
TOTP device; prints the password (generated unless given on stdin) once, and the QR code to
scan with an authenticator application (also the otpauth:// link, and an SVG with --qr)."""

from __future__ import annotations

import secrets
import sys
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutuelle.web.security import roles


class Command(BaseCommand):
    help = "Crée un compte du personnel avec son rôle et son appareil de double authentification."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--role",
            action="append",
            required=True,
            choices=sorted(roles.ROLES),
            help="rôle (plusieurs possibles)",
        )
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--password-stdin", action="store_true", help="lire le mot de passe sur l'entrée"
        )
        parser.add_argument(
            "--new-device",
            action="store_true",
            help="compte existant : remplacer son appareil TOTP (téléphone perdu)",
        )
        parser.add_argument("--qr", default="", help="écrire aussi le QR code dans ce fichier SVG")

    def handle(self, *args: Any, **o: Any) -> None:
        User = get_user_model()
        roles.sync_roles()
        existing = User.objects.filter(username=o["username"]).first()
        if existing is not None and not o["new_device"]:
            raise CommandError(
                f"le compte {o['username']} existe déjà (--new-device pour lui donner un "
                "nouvel appareil TOTP)"
            )
        password = ""
        if existing is None:
            if o["password_stdin"]:
                password = sys.stdin.readline().rstrip("\n")
            else:
                password = secrets.token_urlsafe(15)
            try:
                password_validation.validate_password(password)
            except ValidationError as exc:
                raise CommandError("mot de passe refusé : " + " ".join(exc.messages)) from None
        with transaction.atomic():
            if existing is None:
                user = User.objects.create_user(
                    o["username"],
                    email=o["email"],
                    password=password,
                    first_name=o["first_name"],
                    last_name=o["last_name"],
                    is_staff=True,
                )
            else:
                user = existing
                TOTPDevice.objects.filter(user=user).delete()
            groups = [Group.objects.get(name=roles.group_name(r)) for r in o["role"]]
            user.groups.add(*groups)
            device = TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
        self.stdout.write(f"Compte {user.username} : rôle(s) {', '.join(g.name for g in groups)}")
        if password and not o["password_stdin"]:
            self.stdout.write(f"Mot de passe (à transmettre puis à changer) : {password}")
        self.stdout.write(
            "Double authentification : scannez ce QR code avec une application "
            "d'authentification (FreeOTP, Aegis, Google Authenticator…) :"
        )
        self.stdout.write(ascii_qr(device.config_url))
        self.stdout.write(f"ou saisissez ce lien : {device.config_url}")
        if o["qr"]:
            svg_qr(device.config_url, o["qr"])
            self.stdout.write(f"QR code écrit dans {o['qr']} (à supprimer après usage)")


def ascii_qr(data: str) -> str:
    import io

    import qrcode

    qr = qrcode.QRCode(border=2)
    qr.add_data(data)
    out = io.StringIO()
    qr.print_ascii(out=out, invert=True)
    return out.getvalue()


def svg_qr(data: str, path: str) -> None:
    import os

    import qrcode
    import qrcode.image.svg

    img = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        img.save(fh)
